/**
 * The learning curve: absolute foreground Dice per 3-D volume against the number of
 * labelled patients, one line per recipe, with a 95% band from a bootstrap over test
 * patients (each patient averaged over seeds). Where label efficiency shows, or does not.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { CellResult } from "../run/results.ts";
import { averageOverSeeds, bootstrapMeanCi } from "./patient_stats.ts";
import type { ReportMetric } from "./report_metric.ts";
import { mean } from "./stats.ts";
import { vegaLiteSvg } from "./vega_svg.ts";

/** One point of the curve. */
export interface CurvePoint {
  readonly recipe: string;
  readonly sampleSize: number;
  readonly patients: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
}

/** Points of every recipe × sample size with scored test patients. */
export function learningCurve(
  results: readonly CellResult[],
  metric: ReportMetric,
): CurvePoint[] {
  const keys = [...new Set(results.map((r) => `${r.recipe}\u0000${r.sampleSize}`))];
  return keys.flatMap((key) => {
    const [recipe, size] = key.split("\u0000");
    const cells = results.filter((r) =>
      r.recipe === recipe && r.sampleSize === Number(size) && r.status === "done" &&
      r.trainPatients !== undefined
    );
    const perPatient = [...averageOverSeeds(cells.map((c) => metric.patientScores(c))).values()];
    if (perPatient.length === 0) return [];
    const m = mean(perPatient);
    const ci = bootstrapMeanCi(perPatient) ?? { low: m, high: m };
    return [{
      recipe,
      sampleSize: Number(size),
      patients: mean(cells.map((c) => c.trainPatients!)),
      mean: m,
      ...ci,
      seeds: cells.length,
    }];
  });
}

/** The vega-lite specification. */
export function learningCurveSpec(
  points: readonly CurvePoint[],
  metric: ReportMetric,
): TopLevelSpec {
  const x = { field: "patients", type: "quantitative", title: "labelled patients" } as const;
  const color = { field: "recipe", type: "nominal", title: "recipe" } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Learning curve: ${metric.label} against labelled patients`,
    width: 480,
    height: 280,
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        mark: { type: "area", opacity: 0.15 },
        encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: metric.label },
          color,
          tooltip: [
            { field: "recipe" },
            { field: "sampleSize", title: "percent" },
            { field: "patients" },
            { field: "mean", format: ".3f" },
            { field: "low", format: ".3f" },
            { field: "high", format: ".3f" },
            { field: "seeds" },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders the learning curve to SVG. */
export function learningCurveSvg(
  points: readonly CurvePoint[],
  metric: ReportMetric,
): Promise<string> {
  return vegaLiteSvg(learningCurveSpec(points, metric));
}
