/**
 * Everything the report says, computed once from the results (pure; no I/O): sample-size
 * labels, Table 1 on the headline metric, Table 2 the ACDC way, per-patient comparisons
 * with Holm's correction, the Figure 2 headline, the learning curve and the sanity flags.
 * The HTML page, the Markdown files and the terminal summary all render this one model.
 *
 * @module
 */
import type { Comparison } from "../config/experiment.ts";
import type { CellResult } from "../run/results.ts";
import { compareRecipes, type ComparisonRow } from "./comparisons.ts";
import { figure2Headline } from "./figure2.ts";
import { type CurvePoint, learningCurve } from "./learning_curve.ts";
import type { PriorQuality } from "./prior_quality.ts";
import {
  distanceUnit,
  type ReportMetric,
  reportMetric,
  type ReportMetricName,
} from "./report_metric.ts";
import { type SampleSizeInfo, sampleSizes } from "./sample_sizes.ts";
import { type ClassifierRow, collapsedKeys, type SanityFlag, sanityFlags } from "./sanity_flags.ts";
import { type ResultTable, resultTable } from "./table1.ts";

/** What the report shows. */
export interface ReportModel {
  readonly metric: ReportMetric;
  readonly sizes: readonly SampleSizeInfo[];
  readonly labels: ReadonlyMap<number, string>;
  /** Mean labelled patients per sample size (Figure 2's x-axis). */
  readonly patients: ReadonlyMap<number, number>;
  /** Table 1: the headline metric. */
  readonly table1: ResultTable;
  /** Table 2: foreground Dice and HD95 per 3-D volume. */
  readonly table2: readonly [ResultTable, ResultTable];
  /** The paper's table when the headline is another metric. */
  readonly paperTable?: ResultTable;
  readonly comparisons: readonly ComparisonRow[];
  readonly headline: string;
  readonly curve: readonly CurvePoint[];
  readonly flags: readonly SanityFlag[];
  readonly classifiers: readonly ClassifierRow[];
  readonly priors: readonly PriorQuality[];
}

/** Builds the model. */
export function reportModel(input: {
  readonly results: readonly CellResult[];
  readonly metric: ReportMetricName;
  readonly comparisons: readonly Comparison[];
  readonly classifiers: readonly ClassifierRow[];
  readonly priors: readonly PriorQuality[];
}): ReportModel {
  const { results } = input;
  const unit = distanceUnit(results);
  const metric = reportMetric(input.metric, unit);
  const sizes = sampleSizes(results);
  const labels = new Map(sizes.map((s) => [s.size, s.label]));
  const patients = new Map(
    sizes.flatMap((s) => s.train ? [[s.size, (s.train[0] + s.train[1]) / 2] as const] : []),
  );
  const comparisons = compareRecipes(results, input.comparisons, metric);
  const dice = reportMetric("foregroundDice", unit);
  return {
    metric,
    sizes,
    labels,
    patients,
    table1: resultTable(results, metric, labels),
    table2: [
      resultTable(results, dice, labels),
      resultTable(results, reportMetric("hd95", unit), labels),
    ],
    ...(metric.name === "meanIoU"
      ? {}
      : { paperTable: resultTable(results, reportMetric("meanIoU", unit), labels) }),
    comparisons,
    headline: figure2Headline(comparisons, labels, collapsedKeys(results)),
    curve: learningCurve(results, dice),
    flags: sanityFlags({
      results,
      labels,
      comparisons,
      classifiers: input.classifiers,
      priors: input.priors.map((p) => ({
        prior: p.prior,
        seed: p.seed,
        iou: p.mean.iou,
        ...(p.population ? {} : { populationIou: p.populationIou }),
      })),
    }),
    classifiers: input.classifiers,
    priors: input.priors,
  };
}
