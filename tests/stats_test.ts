import assert from "node:assert/strict";
import {
  averageRanks,
  meanWithCi,
  normalCdf,
  tQuantile975,
  wilcoxonSignedRank,
} from "../core/report/stats.ts";

// Expected values computed with scipy 1.17.1 (stats.wilcoxon, default options;
// stats.t.ppf(0.975, df)) on the development machine, 2026-11-27.
const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);

Deno.test("t quantiles match scipy", () => {
  for (
    const [df, q] of [[1, 12.706204736], [2, 4.302652730], [9, 2.262157163], [29, 2.045229642]]
  ) {
    close(tQuantile975(df), q, 1e-4);
  }
  close(tQuantile975(100), 1.983971519, 2e-3);
});

Deno.test("mean with 95% CI", () => {
  const { mean, halfWidth } = meanWithCi([1, 2, 3, 4]);
  assert.equal(mean, 2.5);
  close(halfWidth, 3.182446305 * Math.sqrt(5 / 3) / 2, 1e-4);
  assert.ok(Number.isNaN(meanWithCi([1]).halfWidth));
});

Deno.test("average ranks share ties", () => {
  assert.deepEqual(averageRanks([0.3, 0.1, 0.3, 0.2]), [3.5, 1, 3.5, 2]);
});

Deno.test("Wilcoxon signed-rank matches scipy (exact, ties, normal approximation)", () => {
  const exact = wilcoxonSignedRank([0.01, -0.02, 0.03, 0.05, 0.04, -0.01, 0.06, 0.02]);
  assert.equal(exact.statistic, 5);
  close(exact.pValue, 0.0859375, 1e-12);
  const twelve = wilcoxonSignedRank([1.5, 2.0, -0.5, 3.0, 2.5, 1.0, -1.0, 0.5, 2.2, 1.8, 0.9, 1.1]);
  assert.equal(twelve.statistic, 6);
  close(twelve.pValue, 0.00732421875, 1e-12);
  const tied = wilcoxonSignedRank([0.1, 0.1, -0.1, 0.2, 0.2, 0.2, 0.3]);
  assert.equal(tied.statistic, 2);
  close(tied.pValue, 0.0625, 1e-12);
  const forty = Array.from(
    { length: 40 },
    (_, i) => Math.round((Math.sin(i) * 0.1 + 0.03) * 1e4) / 1e4,
  );
  const large = wilcoxonSignedRank(forty);
  assert.equal(large.statistic, 215);
  close(large.pValue, 0.007917965558590367, 1e-12);
  const sixty = Array.from(
    { length: 60 },
    (_, i) => Math.round((Math.cos(i) * 0.2 + 0.05) * 1e3) / 1e3,
  );
  const approx = wilcoxonSignedRank(sixty);
  assert.equal(approx.method, "normal");
  assert.equal(approx.statistic, 557);
  close(approx.pValue, 0.008401379510842275, 1e-5);
});

Deno.test("Wilcoxon drops zero differences; all zeros give p = 1", () => {
  assert.equal(wilcoxonSignedRank([0, 0, 1, 2]).n, 2);
  assert.deepEqual(wilcoxonSignedRank([0, 0]), { statistic: 0, pValue: 1, n: 0, method: "exact" });
});

Deno.test("normal CDF", () => {
  close(normalCdf(0), 0.5, 1e-7);
  close(normalCdf(1.959964), 0.975, 1e-6);
  close(normalCdf(-3), 0.0013498980, 1e-6);
});
