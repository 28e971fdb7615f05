import assert from "node:assert/strict";
import { reportMetric } from "../core/report/report_metric.ts";
import { sampleSizes, sizeLabel } from "../core/report/sample_sizes.ts";
import { resultTable, tableHtml, tableMarkdown } from "../core/report/table1.ts";
import { cell, scores } from "./helpers/report_cells.ts";

const dice = reportMetric("foregroundDice");

Deno.test("table: rows say percent and patients; mean ± CI over seeds", () => {
  const results = [1, 2].flatMap((seed) => [
    cell("A", 100, seed, scores(10, 0.6 + 0.01 * seed), { trainPatients: 20 }),
    cell("A", 15, seed, scores(10, 0.3), { trainPatients: 3 }),
  ]);
  const labels = new Map(sampleSizes(results).map((s) => [s.size, s.label]));
  const table = resultTable(results, dice, labels);
  assert.deepEqual(table.labels, ["100% (20 pts)", "15% (3 pts)"]);
  assert.equal(table.rows[0][0].seeds, 2);
  assert.ok(Number.isFinite(table.rows[0][0].halfWidth));
  const md = tableMarkdown(table, "Table 2a");
  assert.match(md, /\| 100% \(20 pts\) \| 0\.6\d\d ± /);
  assert.match(md, /\| Average \|/);
  assert.doesNotMatch(md, /n\/a \(one seed\)/, "two seeds give an interval");
  assert.equal(sizeLabel(15, [10, 11]), "15% (10–11 pts)");
});

Deno.test("table: the best is bold only when it beats the runner-up over patients", () => {
  const results = [
    cell("A", 100, 1, scores(12, 0.6)),
    cell("B", 100, 1, scores(12, 0.7)), // clearly better
    cell("A", 50, 1, scores(12, 0.5, 0.1)),
    cell("B", 50, 1, scores(12, 0.5, 0.1).map((v, i) => v + (i % 2 ? 0.02 : -0.019))), // tie
  ];
  const table = resultTable(results, dice, new Map());
  assert.deepEqual(table.bold, [1, -1]);
  const md = tableMarkdown(table, "T");
  assert.equal((md.match(/\*\*/g) ?? []).length, 2, "one bold value");
  assert.match(md, /without ± has one seed: its interval is n\/a \(one seed\)/);
  assert.match(tableHtml(table, "T"), /<strong>0\.7/);
});

Deno.test("table: a collapsed best is never bold; lower HD95 is best", () => {
  const collapsedBest = [
    cell("A", 100, 1, scores(12, 0.3)),
    cell("B", 100, 1, scores(12, 0.6), { predictedShare: 0.05 }),
  ];
  assert.deepEqual(resultTable(collapsedBest, dice, new Map()).bold, [-1]);
  const hd = reportMetric("hd95", "mm");
  const results = [
    cell("A", 100, 1, scores(12, 0.6), { hd95: scores(12, 12, 1) }),
    cell("B", 100, 1, scores(12, 0.6), { hd95: scores(12, 6, 1) }),
  ];
  const table = resultTable(results, hd, new Map());
  assert.deepEqual(table.bold, [1]);
  assert.match(tableMarkdown(table, "T"), /Hausdorff distance in mm/);
});
