/**
 * Per-patient statistics for paired recipe comparisons. The unit of evidence is the test
 * patient, not the seed × patient pair: each patient's score is first averaged over the
 * seeds both recipes finished, then the paired Wilcoxon signed-rank test runs over patients
 * and a bootstrap over patients gives the 95% CI of the mean difference. Holm's step-down
 * correction adjusts the p-values of all comparisons in a report together. How much the
 * verdict moves between seeds is reported beside it (per-seed mean differences).
 *
 * @module
 */
import { deriveSeed, seededRandom } from "../util/random.ts";
import { mean, type WilcoxonResult, wilcoxonSignedRank } from "./stats.ts";

/** Scores of one cell (one seed): patient id → score. */
export type PatientScores = ReadonlyMap<string, number>;

/** A paired comparison of two recipes over test patients. */
export interface PatientComparison {
  /** Seeds where both recipes have scores. */
  readonly seeds: readonly number[];
  /** Test patients scored by both recipes in those seeds. */
  readonly patients: number;
  readonly proposedMean: number;
  readonly baselineMean: number;
  /** Mean over patients of (proposed − baseline), each averaged over seeds. */
  readonly meanDifference: number;
  /** Percentile bootstrap 95% CI of the mean difference over patients (needs ≥ 2). */
  readonly ci?: { readonly low: number; readonly high: number };
  /** Mean difference within each seed, in `seeds` order (the seed-to-seed spread). */
  readonly perSeedDifference: readonly number[];
  /** Whether the per-seed differences disagree in sign or spread wider than the effect. */
  readonly seedSpreadExceedsEffect: boolean;
  /** Absent with no patients. */
  readonly wilcoxon?: WilcoxonResult;
  /** Smallest two-sided p the exact test can give with this many patients. */
  readonly smallestPossibleP: number;
}

/** Smallest two-sided p of the exact signed-rank test with `n` pairs: 2 / 2ⁿ. */
export function smallestPossibleP(n: number): number {
  return Math.min(1, 2 / 2 ** n);
}

/** Each patient's mean over the maps that score it. */
export function averageOverSeeds(cells: readonly PatientScores[]): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const cell of cells) {
    for (const [patient, score] of cell) {
      const [sum, count] = sums.get(patient) ?? [0, 0];
      sums.set(patient, [sum + score, count + 1]);
    }
  }
  return new Map([...sums].map(([patient, [sum, count]]) => [patient, sum / count]));
}

/** Options of {@linkcode bootstrapMeanCi}. */
export interface BootstrapOptions {
  /** Resamples (10 000 by default). */
  readonly resamples?: number;
  /** Seed of the resampling (fixed by default, so reports are reproducible). */
  readonly seed?: number;
}

/** Percentile bootstrap 95% CI of the mean of `values` (undefined below two values). */
export function bootstrapMeanCi(
  values: readonly number[],
  options: BootstrapOptions = {},
): { low: number; high: number } | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  const resamples = options.resamples ?? 10_000;
  const random = seededRandom(deriveSeed(options.seed ?? 0, "bootstrap"));
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)];
    means[b] = sum / n;
  }
  means.sort();
  const at = (q: number) => {
    const position = q * (resamples - 1);
    const low = Math.floor(position);
    return means[low] + (means[Math.ceil(position)] - means[low]) * (position - low);
  };
  return { low: at(0.025), high: at(0.975) };
}

/**
 * Compares `proposed` with `baseline` (seed → per-patient scores) over the patients both
 * scored in the seeds both have.
 */
export function comparePatients(
  proposed: ReadonlyMap<number, PatientScores>,
  baseline: ReadonlyMap<number, PatientScores>,
  options: BootstrapOptions = {},
): PatientComparison {
  const seeds = [...proposed.keys()].filter((s) => baseline.has(s)).sort((a, b) => a - b);
  const paired = seeds.map((seed) => {
    const p = proposed.get(seed)!, b = baseline.get(seed)!;
    const both = [...p.keys()].filter((id) => b.has(id));
    return {
      proposed: new Map(both.map((id) => [id, p.get(id)!])),
      baseline: new Map(both.map((id) => [id, b.get(id)!])),
    };
  });
  const p = averageOverSeeds(paired.map((c) => c.proposed));
  const b = averageOverSeeds(paired.map((c) => c.baseline));
  const ids = [...p.keys()].sort();
  const differences = ids.map((id) => p.get(id)! - b.get(id)!);
  const meanDifference = mean(differences);
  const perSeedDifference = paired.map((c) =>
    mean([...c.proposed].map(([id, v]) => v - c.baseline.get(id)!))
  );
  const spread = Math.max(...perSeedDifference) - Math.min(...perSeedDifference);
  const signs = new Set(perSeedDifference.map(Math.sign));
  const ci = bootstrapMeanCi(differences, options);
  return {
    seeds,
    patients: ids.length,
    proposedMean: mean(ids.map((id) => p.get(id)!)),
    baselineMean: mean(ids.map((id) => b.get(id)!)),
    meanDifference,
    ...(ci ? { ci } : {}),
    perSeedDifference,
    seedSpreadExceedsEffect: seeds.length > 1 &&
      (signs.size > 1 || spread > Math.abs(meanDifference)),
    ...(ids.length > 0 ? { wilcoxon: wilcoxonSignedRank(differences) } : {}),
    smallestPossibleP: smallestPossibleP(ids.length),
  };
}

/**
 * Holm's step-down adjusted p-values (statsmodels `multipletests(method="holm")`), in the
 * input order; NaN entries stay NaN and do not count as tests.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const tested = pValues.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p))
    .sort((a, b) => a[0] - b[0]);
  const m = tested.length;
  const adjusted = pValues.map(() => NaN);
  let running = 0;
  tested.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
