/**
 * Paired comparisons of a proposed recipe against its baseline at each sample size: the
 * relative difference of mean IoU (mean over seeds with a 95% CI), the Wilcoxon signed-rank
 * test over seeds × test patients, and the mean gain per class.
 *
 * @module
 */
import type { Comparison } from "../config/experiment.ts";
import type { CellResult } from "../run/results.ts";
import { mean, meanWithCi, type WilcoxonResult, wilcoxonSignedRank } from "./stats.ts";

/** One proposed/baseline pair at one sample size. */
export interface ComparisonRow extends Comparison {
  readonly sampleSize: number;
  readonly proposedMean: number;
  readonly baselineMean: number;
  /** Mean over seeds of (proposed − baseline) / baseline. */
  readonly relativeDifference: number;
  /** Half-width of the 95% CI of the relative difference (NaN with one seed). */
  readonly relativeCiHalfWidth: number;
  /** Paired over seeds × test patients on per-patient mean IoU incl. background. */
  readonly wilcoxon: WilcoxonResult;
  /** Mean over seeds of the per-class IoU difference, background first. */
  readonly perClassGain: readonly number[];
}

function done(results: readonly CellResult[], recipe: string, size: number) {
  return new Map(
    results
      .filter((r) => r.recipe === recipe && r.sampleSize === size && r.status === "done")
      .map((r) => [r.seed, r]),
  );
}

function patientDifferences(proposed: CellResult, baseline: CellResult): number[] {
  const base = new Map(baseline.perPatient?.map((p) => [p.patientId, p.meanIoUWithBackground]));
  return (proposed.perPatient ?? []).flatMap((p) =>
    base.has(p.patientId) ? [p.meanIoUWithBackground - base.get(p.patientId)!] : []
  );
}

function compareAt(
  results: readonly CellResult[],
  pair: Comparison,
  size: number,
): ComparisonRow | undefined {
  const proposed = done(results, pair.proposed, size);
  const baseline = done(results, pair.baseline, size);
  const seeds = [...proposed.keys()].filter((seed) => baseline.has(seed));
  if (seeds.length === 0) return undefined;
  const pairs = seeds.map((seed) => [proposed.get(seed)!, baseline.get(seed)!] as const);
  const relative = pairs.map(([p, b]) =>
    (p.meanIoUWithBackground! - b.meanIoUWithBackground!) / b.meanIoUWithBackground!
  );
  const ci = meanWithCi(relative);
  const classes = pairs[0][0].iouPerClass?.length ?? 0;
  return {
    ...pair,
    sampleSize: size,
    proposedMean: mean(pairs.map(([p]) => p.meanIoUWithBackground!)),
    baselineMean: mean(pairs.map(([, b]) => b.meanIoUWithBackground!)),
    relativeDifference: ci.mean,
    relativeCiHalfWidth: ci.halfWidth,
    wilcoxon: wilcoxonSignedRank(pairs.flatMap(([p, b]) => patientDifferences(p, b))),
    perClassGain: Array.from(
      { length: classes },
      (_, c) => mean(pairs.map(([p, b]) => p.iouPerClass![c] - b.iouPerClass![c])),
    ),
  };
}

/** Every comparison at every sample size where both recipes finished for some seed. */
export function compareRecipes(
  results: readonly CellResult[],
  comparisons: readonly Comparison[],
): ComparisonRow[] {
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  return comparisons.flatMap((pair) =>
    sizes.flatMap((size) => compareAt(results, pair, size) ?? [])
  );
}
