/**
 * Figure 2 with both of the paper's panels: (a) each recipe with a prior against the
 * image-only recipe of as many channels (the paper: 1Ch+CAM* vs 2Ch), (b) against the same
 * image channels without the prior (3Ch+CAM* vs 3Ch); pairs the experiment file names go
 * in a third panel. The y-axis is the relative improvement of the headline metric over the
 * baseline (per-patient, seed-averaged), with its bootstrap 95% CI as a band; the x-axis is
 * the number of labelled patients. Hollow points are ties (not different after Holm's
 * correction, or the CI includes 0): nothing there is evidence either way.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { ComparisonRow } from "./comparisons.ts";
import type { ReportMetric } from "./report_metric.ts";
import { vegaLiteSvg } from "./vega_svg.ts";

const PANELS = [
  ["same-width", "(a) prior vs image-only of equal width"],
  ["added-prior", "(b) prior added to the same image channels"],
  ["custom", "comparisons named in the experiment file"],
] as const;

/** Panel title of a row. */
function panelOf(row: ComparisonRow): string {
  return PANELS.find(([kind]) => kind === (row.kind ?? "custom"))![1];
}

/** The vega-lite specification of Figure 2; `patients` maps sample size → label patients. */
export function figure2Spec(
  rows: readonly ComparisonRow[],
  metric: ReportMetric,
  labels: ReadonlyMap<number, string>,
  patients: ReadonlyMap<number, number>,
): TopLevelSpec {
  const values = rows.map((row) => ({
    panel: panelOf(row),
    comparison: `${row.proposed} vs ${row.baseline}`,
    patients: patients.get(row.sampleSize) ?? row.sampleSize,
    size: labels.get(row.sampleSize) ?? `${row.sampleSize}%`,
    relative: 100 * row.relativeImprovement,
    low: 100 * (row.relativeCi?.low ?? row.relativeImprovement),
    high: 100 * (row.relativeCi?.high ?? row.relativeImprovement),
    p: row.wilcoxon?.pValue ?? NaN,
    pHolm: row.pHolm,
    verdict: row.verdict,
    evidence: row.verdict === "better" || row.verdict === "worse" ? "beyond ties" : "tie",
  }));
  const x = { field: "patients", type: "quantitative", title: "labelled patients" } as const;
  const color = { field: "comparison", type: "nominal", title: "proposed vs baseline" } as const;
  const panels = PANELS.map(([, title]) => title).filter((t) => values.some((v) => v.panel === t));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Relative improvement in ${metric.label} over the baseline (per patient, seed-averaged)`,
    data: { values },
    facet: { field: "panel", type: "nominal", title: null, sort: panels },
    columns: 2,
    spec: {
      width: 360,
      height: 240,
      layer: [
        {
          mark: { type: "area", opacity: 0.15 },
          encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color },
        },
        {
          mark: { type: "line" },
          encoding: {
            x,
            y: { field: "relative", type: "quantitative", title: "relative improvement (%)" },
            color,
          },
        },
        {
          mark: { type: "point", size: 60 },
          encoding: {
            x,
            y: { field: "relative", type: "quantitative" },
            color,
            fill: {
              condition: { test: "datum.evidence === 'tie'", value: "white" },
              field: "comparison",
              type: "nominal",
            },
            tooltip: [
              { field: "comparison" },
              { field: "size", title: "sample size" },
              { field: "relative", format: ".1f", title: "relative (%)" },
              { field: "p", format: ".3g", title: "Wilcoxon p" },
              { field: "pHolm", format: ".3g", title: "Holm p" },
              { field: "verdict" },
            ],
          },
        },
        { mark: { type: "rule", strokeDash: [4, 4] }, encoding: { y: { datum: 0 } } },
      ],
    },
  } as TopLevelSpec;
}

/** Renders Figure 2 to an SVG document. */
export function figure2Svg(
  rows: readonly ComparisonRow[],
  metric: ReportMetric,
  labels: ReadonlyMap<number, string>,
  patients: ReadonlyMap<number, number>,
): Promise<string> {
  return vegaLiteSvg(figure2Spec(rows, metric, labels, patients));
}

/** The headline: the largest improvement beyond ties with no collapsed model, if any. */
export function figure2Headline(
  rows: readonly ComparisonRow[],
  labels: ReadonlyMap<number, string>,
  collapsed: ReadonlySet<string>,
): string {
  const valid = rows.filter((r) =>
    r.verdict === "better" &&
    ![r.proposed, r.baseline].some((x) => collapsed.has(`${x}\u0000${r.sampleSize}`))
  ).sort((a, b) => b.relativeImprovement - a.relativeImprovement);
  if (valid.length === 0) {
    return "No recipe beats its baseline beyond ties (Holm-corrected Wilcoxon over test " +
      "patients and bootstrap CI) without a collapsed model in the pair.";
  }
  const r = valid[0];
  return `Largest improvement beyond ties: ${r.proposed} vs ${r.baseline} at ` +
    `${labels.get(r.sampleSize)}: ${(100 * r.relativeImprovement).toFixed(1)}% ` +
    `(Holm p ${r.pHolm.toPrecision(2)}, ${r.patients} test patients).`;
}
