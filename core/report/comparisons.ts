/**
 * Paired comparisons of a proposed recipe against its baseline at each sample size, on the
 * report's headline metric, with test patients as the unit: each patient averaged over the
 * seeds both cells finished, Wilcoxon signed-rank over patients, bootstrap 95% CI of the
 * mean difference, Holm's correction across every comparison of the report, and a verdict
 * that calls a difference only when it survives all of that.
 *
 * @module
 */
import type { Comparison } from "../config/experiment.ts";
import type { CellResult } from "../run/results.ts";
import {
  comparePatients,
  holmAdjust,
  type PatientComparison,
  type PatientScores,
} from "./patient_stats.ts";
import type { ReportMetric } from "./report_metric.ts";

/** better/worse: Holm-adjusted p < 0.05 and the CI excludes 0; otherwise a tie. */
export type Verdict = "better" | "worse" | "tie" | "untested";

/** One proposed/baseline pair at one sample size. */
export interface ComparisonRow extends Comparison, PatientComparison {
  readonly sampleSize: number;
  /** Mean difference in the metric's better direction (positive = proposed better). */
  readonly improvement: number;
  /** Improvement relative to the baseline mean (the paper's Figure 2 y-axis). */
  readonly relativeImprovement: number;
  /** Bootstrap 95% CI of the improvement (absent below two patients). */
  readonly improvementCi?: { readonly low: number; readonly high: number };
  /** The CI of the improvement relative to the baseline mean. */
  readonly relativeCi?: { readonly low: number; readonly high: number };
  /** Holm-adjusted p across all comparisons of the report (NaN when untested). */
  readonly pHolm: number;
  readonly verdict: Verdict;
}

/** Significance level of the verdicts. */
export const ALPHA = 0.05;

function scoresBySeed(
  results: readonly CellResult[],
  recipe: string,
  size: number,
  metric: ReportMetric,
): Map<number, PatientScores> {
  return new Map(
    results
      .filter((r) => r.recipe === recipe && r.sampleSize === size && r.status === "done")
      .map((r) => [r.seed, metric.patientScores(r)] as const)
      .filter(([, scores]) => scores.size > 0),
  );
}

function compareAt(
  results: readonly CellResult[],
  pair: Comparison,
  size: number,
  metric: ReportMetric,
): Omit<ComparisonRow, "pHolm" | "verdict"> | undefined {
  const proposed = scoresBySeed(results, pair.proposed, size, metric);
  const baseline = scoresBySeed(results, pair.baseline, size, metric);
  const stats = comparePatients(proposed, baseline);
  if (stats.patients === 0) return undefined;
  const sign = metric.higherIsBetter ? 1 : -1;
  const improvement = sign * stats.meanDifference;
  const scale = Math.abs(stats.baselineMean);
  const ci = stats.ci && {
    low: Math.min(sign * stats.ci.low, sign * stats.ci.high),
    high: Math.max(sign * stats.ci.low, sign * stats.ci.high),
  };
  return {
    ...pair,
    ...stats,
    sampleSize: size,
    improvement,
    relativeImprovement: improvement / scale,
    ...(ci ? { improvementCi: ci } : {}),
    ...(ci && scale > 0 ? { relativeCi: { low: ci.low / scale, high: ci.high / scale } } : {}),
  };
}

function verdictOf(row: Omit<ComparisonRow, "verdict">): Verdict {
  if (!row.wilcoxon || Number.isNaN(row.pHolm)) return "untested";
  const ciExcludesZero = row.ci !== undefined && (row.ci.low > 0 || row.ci.high < 0);
  if (row.pHolm >= ALPHA || !ciExcludesZero) return "tie";
  return row.improvement > 0 ? "better" : "worse";
}

/**
 * Every comparison at every sample size where both recipes have scored test patients,
 * Holm-corrected together.
 */
export function compareRecipes(
  results: readonly CellResult[],
  comparisons: readonly Comparison[],
  metric: ReportMetric,
): ComparisonRow[] {
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  const rows = comparisons.flatMap((pair) =>
    sizes.flatMap((size) => compareAt(results, pair, size, metric) ?? [])
  );
  const adjusted = holmAdjust(rows.map((r) => r.wilcoxon?.pValue ?? NaN));
  return rows.map((row, i) => {
    const withP = { ...row, pHolm: adjusted[i] };
    return { ...withP, verdict: verdictOf(withP) };
  });
}
