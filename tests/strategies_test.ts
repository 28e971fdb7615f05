import assert from "node:assert/strict";
import { parseExperiment, planSteps } from "../mod.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const training = { epochs: 1, batchSize: 8 };

function file(grid: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: "strategies",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 3, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", training },
    priors: { POP: { source: "population" } },
    segmenter: { plugin: "tiny-unet", training },
    grid: { channels: ["1Ch", "1Ch+POP"], sampleSizes: [50], ...grid },
    ...extra,
  };
}

Deno.test("strategies: two strategies plan two cells per recipe with different ids; supervised keeps its ids", () => {
  const registry = builtinRegistry();
  const plain = planSteps(parseExperiment(file({}), registry), registry, "cpu");
  const both = parseExperiment(file({ strategies: ["supervised", "fixmatch"] }), registry);
  const graph = planSteps(both, registry, "cpu");
  assert.deepEqual(graph.cells.map((c) => c.recipe.name), [
    "1Ch supervised",
    "1Ch+POP supervised",
    "1Ch fixmatch",
    "1Ch+POP fixmatch",
  ]);
  assert.equal(new Set(graph.cells.map((c) => c.id)).size, 4);
  assert.deepEqual(graph.cells.map((c) => c.strategy), [
    "supervised",
    "supervised",
    "fixmatch",
    "fixmatch",
  ]);
  // The default grid names cells by recipe only, and supervised cells keep their ids.
  assert.deepEqual(plain.cells.map((c) => c.recipe.name), ["1Ch", "1Ch+POP"]);
  assert.deepEqual(graph.cells.slice(0, 2).map((c) => c.id), plain.cells.map((c) => c.id));
  assert.equal("strategy" in graph.cells[0].settings, false);
  assert.equal(graph.cells[2].settings.strategy?.plugin, "fixmatch");
  assert.equal(graph.cells[2].settings.strategy?.options.threshold, 0.95, "defaults resolved");
  assert.equal(graph.cells[0].stepCost, 1);
  assert.ok(graph.cells[2].stepCost > 2, `fixmatch step cost ${graph.cells[2].stepCost}`);
});

Deno.test("strategies: default comparisons pit each strategy against supervised on the same recipe", () => {
  const registry = builtinRegistry();
  const experiment = parseExperiment(
    file({ strategies: ["supervised", { name: "fm", plugin: "fixmatch" }] }),
    registry,
  );
  const pairs = experiment.report.comparisons.map(({ proposed, baseline }) => ({
    proposed,
    baseline,
  }));
  assert.deepEqual(pairs, [
    { proposed: "1Ch+POP supervised", baseline: "1Ch supervised" },
    { proposed: "1Ch+POP fm", baseline: "1Ch fm" },
    { proposed: "1Ch fm", baseline: "1Ch supervised" },
    { proposed: "1Ch+POP fm", baseline: "1Ch+POP supervised" },
  ]);
  // Within a strategy the recipe comparisons keep their Figure 2 panel.
  assert.equal(experiment.report.comparisons[0].kind, "added-prior");
});

Deno.test("strategies: unknown plugins, bad options, duplicate names and comparisons are named", () => {
  const registry = builtinRegistry();
  const error = (grid: Record<string, unknown>, extra?: Record<string, unknown>) => {
    try {
      parseExperiment(file(grid, extra), registry);
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail("accepted");
  };
  assert.match(error({ strategies: ["supervised", "fixmach"] }), /grid\.strategies\[1\]\.plugin/);
  assert.match(
    error({ strategies: [{ plugin: "fixmatch", options: { threshold: 2 } }] }),
    /grid\.strategies\[0\]\.options\.threshold/,
  );
  assert.match(error({ strategies: ["fixmatch", "fixmatch"] }), /grid\.strategies\[1\]: duplicate/);
  assert.match(
    error({ strategies: ["supervised", "fixmatch"] }, {
      report: { comparisons: [{ proposed: "1Ch", baseline: "1Ch supervised" }] },
    }),
    /report\.comparisons\[0\]\.proposed: "1Ch" is not a recipe/,
  );
});
