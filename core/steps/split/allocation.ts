/**
 * Exact, nested, stratified sample sizes: how many patients of each diagnosis group a
 * sample of `round(p·N)` patients takes.
 *
 * Per-group rounding (the old rule: `ceil(p·n_g)` in every group) overshoots: 15% of the
 * 70 ACDC training patients became 12 patients (17%), and 95% and 100% the same 70. Here
 * the total is exact and the groups share it by largest remainder, one patient at a time:
 * the k-th patient goes to the group whose quota `k·n_g/N` exceeds its count the most.
 * Built one patient at a time, a larger sample always contains a smaller one (plain
 * largest-remainder allocation of each total can take a patient away from a group as the
 * total grows, the Alabama paradox, which would break nesting). Every group gets one patient
 * before any group gets a second while the total allows (k ≥ number of groups), so a small
 * sample still sees every diagnosis. Ties go to a seeded random group order.
 *
 * @module
 */
import { ConfigError } from "../../util/errors.ts";
import { seededRandom, shuffled } from "../../util/random.ts";

/** `round(percent / 100 · n)`, halves rounded up, guarded against float noise. */
export function sampleCount(percent: number, n: number): number {
  return Math.floor((percent * n) / 100 + 0.5 + 1e-9);
}

/**
 * Patients per group for every total `0 … N` (`N` = sum of `groupSizes`): row `k` sums to
 * `k`, rows only grow (nested), and `row[k][g]` is within one of the quota `k·n_g/N` except
 * where the one-per-group rule lifts a small group. Ties follow a seeded order.
 */
export function nestedAllocations(groupSizes: readonly number[], seed: number): number[][] {
  const total = groupSizes.reduce((a, b) => a + b, 0);
  const tieOrder = shuffled(groupSizes.map((_, g) => g), seededRandom(seed));
  const rank = new Map(tieOrder.map((g, i) => [g, i]));
  const counts = groupSizes.map(() => 0);
  const rows = [[...counts]];
  for (let k = 1; k <= total; k++) {
    const unrepresented = counts.some((c, g) => c === 0 && groupSizes[g] > 0);
    let best = -1, bestRemainder = -Infinity;
    for (const g of tieOrder) {
      if (counts[g] >= groupSizes[g]) continue;
      if (unrepresented && counts[g] > 0) continue;
      const remainder = (k * groupSizes[g]) / total - counts[g];
      if (remainder > bestRemainder + 1e-12) {
        best = g;
        bestRemainder = remainder;
      } else if (Math.abs(remainder - bestRemainder) <= 1e-12 && rank.get(g)! < rank.get(best)!) {
        best = g;
      }
    }
    counts[best]++;
    rows.push([...counts]);
  }
  return rows;
}

/**
 * Patients per group in a sample of `percent`% of all patients: exactly
 * {@linkcode sampleCount}`(percent, N)` in total, nested across percents for one seed.
 * A percent that rounds to no patient is a configuration error naming it.
 */
export function allocateSample(
  groupSizes: readonly number[],
  percent: number,
  seed: number,
): number[] {
  const total = groupSizes.reduce((a, b) => a + b, 0);
  const k = sampleCount(percent, total);
  if (total > 0 && k === 0) {
    throw new ConfigError(
      `grid.sampleSizes: ${percent}% of ${total} patients is 0 patients; use at least ` +
        `${Math.ceil((50 / total) * 100) / 100}%`,
    );
  }
  return nestedAllocations(groupSizes, seed)[k];
}
