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

Deno.test("table: an HD95 mean that skips undefined pairs is marked † with k of n", () => {
  const hd = reportMetric("hd95", "px");
  // 12 test patients × 2 phases × 3 structures = 72 pairs per seed.
  const results = [1, 2].flatMap((seed) => [
    cell("A", 100, seed, scores(12, 0.6), { undefinedDistances: seed === 1 ? 3 : 1 }),
    cell("B", 100, seed, scores(12, 0.6)),
    cell("A", 50, seed, scores(12, 0.5)),
    cell("B", 50, seed, scores(12, 0.5)),
  ]);
  const table = resultTable(results, hd, new Map());
  const md = tableMarkdown(table, "Table 2b");
  const rows = md.split("\n").filter((l) => l.startsWith("| "));
  assert.match(rows[1], /^\| 100% \| [\d.]+ ± [\d.]+ † \| [\d.]+ ± [\d.]+ \|$/, "A marked, B not");
  assert.match(rows[2], /^\| 50% \| [\d.]+ ± [\d.]+ \| [\d.]+ ± [\d.]+ \|$/, "no mark at 50%");
  assert.match(rows[3], /^\| Average \| [\d.]+ † \| [\d.]+ \|$/);
  assert.match(md, /\n\n† HD95 undefined for k of n volume × structure pairs/);
  assert.match(md, /summed over the cell's seeds/);
  assert.match(md, /: 100%, A: 4 of 144; Average, A: 4 of 288\.$/);
  assert.doesNotMatch(md, /B: \d+ of/, "B has no undefined pair");
  const html = tableHtml(table, "Table 2b");
  assert.match(html, /<td>[\d.]+ ± [\d.]+ †<\/td>/);
  assert.match(html, /<p class="note">† HD95 undefined .*100%, A: 4 of 144; Average, A: 4 of 288/);
  for (
    const clean of [
      resultTable(results, dice, new Map()),
      resultTable(results.filter((r) => r.recipe === "B"), hd, new Map()),
    ]
  ) {
    assert.doesNotMatch(
      tableMarkdown(clean, "T"),
      /†/,
      "no mark and no note without undefined pairs",
    );
    assert.doesNotMatch(tableHtml(clean, "T"), /†|class="note"/);
  }
});
