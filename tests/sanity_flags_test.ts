import assert from "node:assert/strict";
import { compareRecipes } from "../core/report/comparisons.ts";
import { flagsHtml, flagsText } from "../core/report/flags_view.ts";
import { reportMetric } from "../core/report/report_metric.ts";
import { collapseReason, sanityFlags } from "../core/report/sanity_flags.ts";
import { cell, scores } from "./helpers/report_cells.ts";

const labels = new Map([[25, "25% (5 pts)"], [100, "100% (20 pts)"]]);
const metric = reportMetric("meanIoU");

Deno.test("flags: a background-only model is collapsed, by area or by Dice", () => {
  assert.match(
    collapseReason(cell("1Ch", 25, 1, scores(6, 0.3), { predictedShare: 0.03 }))!,
    /foreground predicted on 3\.0% of the truth's area/,
  );
  assert.match(collapseReason(cell("1Ch", 25, 1, scores(6, 0.01, 0.005)))!, /fg Dice 0\.0/);
  assert.equal(collapseReason(cell("1Ch", 25, 1, scores(6, 0.6))), undefined);
});

Deno.test("flags: the quickstart's 25% situation is flagged at every level", () => {
  const results = [
    cell("1Ch", 25, 1, scores(5, 0.01, 0.005), { predictedShare: 0.02 }),
    cell("1Ch+CAM*", 25, 1, scores(5, 0.3)),
    cell("1Ch+POP", 25, 1, scores(5, 0.0, 0), { predictedShare: 0 }),
  ];
  const comparisons = compareRecipes(results, [
    { proposed: "1Ch+CAM*", baseline: "1Ch" },
    { proposed: "1Ch+POP", baseline: "1Ch" },
  ], metric);
  const flags = sanityFlags({
    results,
    labels,
    comparisons,
    classifiers: [{
      label: "classifier tiny-cnn seed 1",
      evaluation: {
        slices: 18,
        patients: 6,
        sliceAccuracy: 0.22,
        patientAccuracy: 0.17,
        macroF1: 0.1,
        macroAuc: 0.52,
        macroAucCi: { low: 0.31, high: 0.7 },
        confusionMatrix: [],
        majorityAccuracy: 0.2,
      },
    }],
    priors: [{ prior: "CAM*", seed: 1, iou: 0.09, populationIou: 0.44 }],
  });
  const kinds = flags.map((f) => `${f.kind}: ${f.subject}`);
  assert.ok(kinds.includes("collapsed: 1Ch @ 25% (5 pts) seed 1"), kinds.join("\n"));
  assert.ok(kinds.includes("collapsed: 1Ch+POP @ 25% (5 pts) seed 1"));
  assert.ok(kinds.includes("chance-classifier: classifier tiny-cnn seed 1"));
  assert.ok(kinds.includes("weak-prior: CAM* seed 1"));
  assert.ok(kinds.includes("tie: 1Ch+CAM* vs 1Ch @ 25% (5 pts)"), "collapsed baseline: no claim");
  assert.ok(kinds.includes("small-test-set: statistics"), "5 test patients: p ≥ 0.0625");
  const text = flagsText(flags);
  assert.match(text, /Collapsed segmenters/);
  assert.match(
    text,
    /CAM\* seed 1: IoU with the heart 0\.090, below the population prior's 0\.440/,
  );
  const html = flagsHtml(flags);
  assert.match(html, /id="flags"/);
  assert.match(html, /includes chance \(0\.5\)/);
});

Deno.test("flags: clear, sound differences raise none", () => {
  const results = [
    cell("A", 100, 1, scores(12, 0.6)),
    cell("B", 100, 1, scores(12, 0.7)),
    cell("A", 100, 2, scores(12, 0.61)),
    cell("B", 100, 2, scores(12, 0.71)),
  ];
  const comparisons = compareRecipes(results, [{ proposed: "B", baseline: "A" }], metric);
  const flags = sanityFlags({ results, labels, comparisons, classifiers: [], priors: [] });
  assert.deepEqual(flags, []);
  assert.match(flagsHtml(flags), /None/);
});

Deno.test("flags: seeds that disagree on the sign are flagged", () => {
  const results = [
    cell("A", 100, 1, scores(12, 0.6)),
    cell("B", 100, 1, scores(12, 0.65)),
    cell("A", 100, 2, scores(12, 0.6)),
    cell("B", 100, 2, scores(12, 0.57)),
  ];
  const dice = reportMetric("foregroundDice");
  const comparisons = compareRecipes(results, [{ proposed: "B", baseline: "A" }], dice);
  const flags = sanityFlags({ results, labels, comparisons, classifiers: [], priors: [] });
  assert.ok(flags.some((f) => f.kind === "seed-spread" && /\+0\.050, -0\.030/.test(f.message)));
});
