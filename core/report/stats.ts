/**
 * Statistics for reports: means with 95% confidence intervals (Student's t) and the
 * Wilcoxon signed-rank test for paired comparisons.
 *
 * @module
 */

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [
  12.7062,
  4.3027,
  3.1824,
  2.7764,
  2.5706,
  2.4469,
  2.3646,
  2.306,
  2.2622,
  2.2281,
  2.201,
  2.1788,
  2.1604,
  2.1448,
  2.1314,
  2.1199,
  2.1098,
  2.1009,
  2.093,
  2.086,
  2.0796,
  2.0739,
  2.0687,
  2.0639,
  2.0595,
  2.0555,
  2.0518,
  2.0484,
  2.0452,
  2.0423,
];

/** The 97.5% quantile of Student's t with `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  return 1.959964 + 2.37 / df; // within 2e-3 of the exact quantile above 30
}

/** Mean and half-width of its 95% confidence interval (NaN half-width for one value). */
export function meanWithCi(values: readonly number[]): { mean: number; halfWidth: number } {
  const n = values.length;
  return {
    mean: mean(values),
    halfWidth: n < 2 ? NaN : tQuantile975(n - 1) * standardDeviation(values) / Math.sqrt(n),
  };
}

/** Result of {@linkcode wilcoxonSignedRank}. */
export interface WilcoxonResult {
  /** min(T+, T−), as scipy reports it. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Non-zero differences used. */
  readonly n: number;
  readonly method: "exact" | "normal";
}

/** Ranks of `values` (1-based), ties sharing their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Exact two-sided p from every sign assignment of the ranks (handles ties). */
function exactBySignFlips(ranks: readonly number[], tPlus: number): number {
  const n = ranks.length;
  let below = 0, above = 0;
  const eps = 1e-9;
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) sum += ranks[i];
    if (sum <= tPlus + eps) below++;
    if (sum >= tPlus - eps) above++;
  }
  return Math.min(1, 2 * Math.min(below, above) / 2 ** n);
}

/** Exact two-sided p for untied integer ranks 1..n (distribution by dynamic programming). */
function exactByCounting(n: number, tPlus: number): number {
  const max = n * (n + 1) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank++) {
    const next = Float64Array.from(counts);
    for (let s = rank; s <= max; s++) next[s] += counts[s - rank];
    counts = next;
  }
  const total = 2 ** n;
  let below = 0, above = 0;
  counts.forEach((c, s) => {
    if (s <= tPlus) below += c;
    if (s >= tPlus) above += c;
  });
  return Math.min(1, 2 * Math.min(below, above) / total);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 +
            t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function normalApproximation(ranks: readonly number[], tPlus: number): number {
  const n = ranks.length;
  const expected = n * (n + 1) / 4;
  const tieGroups = new Map<number, number>();
  for (const r of ranks) tieGroups.set(r, (tieGroups.get(r) ?? 0) + 1);
  const tieCorrection = [...tieGroups.values()].reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const variance = n * (n + 1) * (2 * n + 1) / 24 - tieCorrection;
  const z = (tPlus - expected) / Math.sqrt(variance);
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/**
 * Wilcoxon signed-rank test of paired differences against 0, two-sided. Zero differences
 * are dropped (scipy's default `zero_method="wilcox"`). Exact for n ≤ 16 (ties included,
 * by enumerating signs) and for untied n ≤ 50; otherwise the normal approximation with
 * tie correction and no continuity correction (scipy's defaults).
 */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult {
  const nonZero = differences.filter((d) => d !== 0 && Number.isFinite(d));
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, n, method: "exact" };
  const ranks = averageRanks(nonZero.map(Math.abs));
  const tPlus = ranks.reduce((s, r, i) => s + (nonZero[i] > 0 ? r : 0), 0);
  const statistic = Math.min(tPlus, n * (n + 1) / 2 - tPlus);
  const tied = new Set(ranks).size < n;
  if (n <= 16) return { statistic, pValue: exactBySignFlips(ranks, tPlus), n, method: "exact" };
  if (!tied && n <= 50) {
    return { statistic, pValue: exactByCounting(n, tPlus), n, method: "exact" };
  }
  return { statistic, pValue: normalApproximation(ranks, tPlus), n, method: "normal" };
}
