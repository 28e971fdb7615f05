/**
 * Figure 2: relative difference of mean IoU of each proposed recipe against its baseline
 * per sample size, with 95% CI bands, drawn with vega-lite and rendered to SVG.
 *
 * @module
 */
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { compile } from "vega-lite";
import type { ComparisonRow } from "./comparisons.ts";

/** The vega-lite specification of Figure 2. */
export function figure2Spec(rows: readonly ComparisonRow[]): TopLevelSpec {
  const values = rows.map((row) => {
    const half = Number.isFinite(row.relativeCiHalfWidth) ? row.relativeCiHalfWidth : 0;
    return {
      comparison: `${row.proposed} vs ${row.baseline}`,
      sampleSize: row.sampleSize,
      relative: 100 * row.relativeDifference,
      low: 100 * (row.relativeDifference - half),
      high: 100 * (row.relativeDifference + half),
      p: row.wilcoxon.pValue,
    };
  });
  const x = {
    field: "sampleSize",
    type: "quantitative",
    title: "segmentation labels (% of patients)",
  } as const;
  const color = { field: "comparison", type: "nominal", title: "proposed vs baseline" } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Relative difference in mean IoU (incl. background) against the baseline",
    width: 480,
    height: 280,
    data: { values },
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "relative", type: "quantitative", title: "relative difference (%)" },
          color,
          tooltip: [{ field: "comparison" }, { field: "sampleSize" }, {
            field: "relative",
            format: ".1f",
          }, { field: "p", format: ".3g" }],
        },
      },
      { mark: { type: "rule", strokeDash: [4, 4] }, encoding: { y: { datum: 0 } } },
    ],
  } as TopLevelSpec;
}

/** Renders Figure 2 to an SVG document. */
export async function figure2Svg(rows: readonly ComparisonRow[]): Promise<string> {
  const view = new vega.View(vega.parse(compile(figure2Spec(rows)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
