/**
 * Training curves: training and validation loss per epoch of every classifier and
 * segmenter step (from their `history.json`), small multiples drawn with vega-lite, the
 * epoch whose weights were kept marked. Shows at a glance a model that never learned, or
 * early stopping decided by a noisy validation loss on few patients.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { vegaLiteSvg } from "./vega_svg.ts";

/** One step's history. */
export interface TrainingCurve {
  /** The step's label, e.g. `segmenter 1Ch @ 25% (5 pts) seed 1`. */
  readonly step: string;
  readonly history: readonly { epoch: number; loss: number; valLoss?: number }[];
  /** Epoch (1-based) whose weights were kept. */
  readonly bestEpoch: number;
}

/** The vega-lite specification (one facet per step). */
export function trainingCurvesSpec(curves: readonly TrainingCurve[]): TopLevelSpec {
  const values = curves.flatMap((c) => [
    ...c.history.flatMap((h) => [
      { step: c.step, epoch: h.epoch, series: "training", loss: h.loss, kept: false },
      ...(h.valLoss === undefined
        ? []
        : [{ step: c.step, epoch: h.epoch, series: "validation", loss: h.valLoss, kept: false }]),
    ]),
    { step: c.step, epoch: c.bestEpoch, series: "kept", loss: null, kept: true },
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Training curves (dashed: the epoch whose weights were kept)",
    data: { values },
    facet: { field: "step", type: "nominal", title: null, sort: curves.map((c) => c.step) },
    columns: 4,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 170,
      height: 110,
      layer: [
        {
          transform: [{ filter: "!datum.kept" }],
          mark: { type: "line", point: { size: 12 } },
          encoding: {
            x: { field: "epoch", type: "quantitative" },
            y: { field: "loss", type: "quantitative", title: "loss" },
            color: { field: "series", type: "nominal", title: null },
          },
        },
        {
          transform: [{ filter: "datum.kept" }],
          mark: { type: "rule", strokeDash: [3, 3], color: "#777" },
          encoding: { x: { field: "epoch", type: "quantitative" } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Renders the curves to SVG. */
export function trainingCurvesSvg(curves: readonly TrainingCurve[]): Promise<string> {
  return vegaLiteSvg(trainingCurvesSpec(curves));
}
