import assert from "node:assert/strict";
import { compareRecipes } from "../core/report/comparisons.ts";
import { holmAdjust } from "../core/report/patient_stats.ts";
import { reportMetric } from "../core/report/report_metric.ts";
import { cell, scores } from "./helpers/report_cells.ts";

const dice = reportMetric("foregroundDice");
const pairs = [{ proposed: "B", baseline: "A" }];

Deno.test("comparisons: patients averaged over seeds, not counted once per seed", () => {
  const a = [1, 2, 3].map((seed) => cell("A", 50, seed, scores(12, 0.6)));
  const b = [1, 2, 3].map((seed) => cell("B", 50, seed, scores(12, 0.65)));
  const [row] = compareRecipes([...a, ...b], pairs, dice);
  assert.equal(row.patients, 12, "12 test patients, not 36 seed × patient pairs");
  assert.deepEqual(row.seeds, [1, 2, 3]);
  assert.ok(Math.abs(row.improvement - 0.05) < 1e-12);
  assert.equal(row.wilcoxon!.n, 12);
  assert.equal(row.verdict, "better");
});

Deno.test("comparisons: Holm runs across every comparison and size of the report", () => {
  const results = [100, 50, 25].flatMap((size, k) => [
    cell("A", size, 1, scores(8, 0.5)),
    cell("B", size, 1, scores(8, 0.5 + 0.01 * (k + 1), 0.05).map((v, i) => v + 0.003 * i)),
  ]);
  const rows = compareRecipes(results, pairs, dice);
  assert.equal(rows.length, 3);
  const adjusted = holmAdjust(rows.map((r) => r.wilcoxon!.pValue));
  rows.forEach((r, i) => assert.equal(r.pHolm, adjusted[i]));
  assert.ok(rows.some((r) => r.pHolm > r.wilcoxon!.pValue), "adjustment raises p");
});

Deno.test("comparisons: for HD95 lower is better, and the improvement says so", () => {
  const hd = reportMetric("hd95");
  const a = cell("A", 50, 1, scores(10, 0.6), { hd95: scores(10, 10, 1) });
  const b = cell("B", 50, 1, scores(10, 0.6), { hd95: scores(10, 8, 1) });
  const [row] = compareRecipes([a, b], pairs, hd);
  assert.ok(Math.abs(row.improvement - 2) < 1e-9, `${row.improvement}`);
  assert.equal(row.verdict, "better");
  assert.ok(row.improvementCi!.low > 0);
});

Deno.test("comparisons: a difference inside the noise is a tie; no scores, no row", () => {
  const a = cell("A", 50, 1, scores(10, 0.6, 0.1));
  const b = cell("B", 50, 1, scores(10, 0.6, 0.1).map((v, i) => v + (i % 2 ? 0.02 : -0.019)));
  const [row] = compareRecipes([a, b], pairs, dice);
  assert.equal(row.verdict, "tie");
  assert.deepEqual(compareRecipes([a], pairs, dice), []);
});

Deno.test("comparisons: five patients can never be better (smallest p 0.0625)", () => {
  const a = cell("A", 50, 1, scores(5, 0.5));
  const b = cell("B", 50, 1, scores(5, 0.7));
  const [row] = compareRecipes([a, b], pairs, dice);
  assert.equal(row.smallestPossibleP, 0.0625);
  assert.equal(row.wilcoxon!.pValue, 0.0625);
  assert.equal(row.verdict, "tie");
});
