import assert from "node:assert/strict";
import { reportModel } from "../core/report/report_model.ts";
import { cell, scores } from "./helpers/report_cells.ts";

const results = [1, 2].flatMap((seed) => [
  cell("1Ch", 100, seed, scores(12, 0.6), { trainPatients: 20 }),
  cell("1Ch+CAM*", 100, seed, scores(12, 0.7), { trainPatients: 20 }),
  cell("1Ch", 25, seed, scores(12, 0.01, 0.005), { trainPatients: 5, predictedShare: 0.01 }),
  cell("1Ch+CAM*", 25, seed, scores(12, 0.3), { trainPatients: 5 }),
]);
const comparisons = [{ proposed: "1Ch+CAM*", baseline: "1Ch", kind: "added-prior" as const }];

Deno.test("report model: the paper's metric heads Table 1 by default, ACDC metrics in Table 2", () => {
  const model = reportModel({
    results,
    metric: "meanIoU",
    comparisons,
    classifiers: [],
    priors: [],
  });
  assert.equal(model.table1.metric.name, "meanIoU");
  assert.deepEqual(model.table2.map((t) => t.metric.name), ["foregroundDice", "hd95"]);
  assert.equal(model.paperTable, undefined);
  assert.deepEqual(model.table1.labels, ["100% (20 pts)", "25% (5 pts)"]);
  assert.match(model.headline, /1Ch\+CAM\* vs 1Ch at 100% \(20 pts\)/, "25% has a collapsed 1Ch");
  assert.ok(
    model.flags.some((f) => f.kind === "collapsed" && f.subject === "1Ch @ 25% (5 pts) seed 1"),
  );
  assert.deepEqual(model.curve.map((p) => `${p.recipe}@${p.patients}`).sort(), [
    "1Ch+CAM*@20",
    "1Ch+CAM*@5",
    "1Ch@20",
    "1Ch@5",
  ]);
});

Deno.test("report model: report.metric makes fg Dice the headline and keeps the paper's table", () => {
  const model = reportModel({
    results,
    metric: "foregroundDice",
    comparisons,
    classifiers: [],
    priors: [],
  });
  assert.equal(model.table1.metric.name, "foregroundDice");
  assert.equal(model.paperTable?.metric.name, "meanIoU");
  assert.ok(model.comparisons.every((c) => Math.abs(c.improvement) > 0.05));
  assert.equal(model.sizes[1].train?.[0], 5);
});
