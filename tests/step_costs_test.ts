import assert from "node:assert/strict";
import { loadExperiment } from "../core/config/experiment.ts";
import type { NetworkProbe, Probe } from "../core/estimate/calibration.ts";
import { type CohortCounts, probesOf, stepSeconds } from "../core/estimate/step_costs.ts";
import { planSteps } from "../core/plan/planner.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const FILE = new URL("./fixtures/cli_tiny.json", import.meta.url).pathname;

// 100 patients, 10 slices each; 60 / 20 / 20 patients for train / val / test.
const counts: CohortCounts = {
  patients: 100,
  slices: 1000,
  size: 16,
  train: 60,
  val: 20,
  test: 20,
};

const perBatch = (probe: Probe) =>
  probe.what === "train" ? 2 : probe.what === "infer" ? 0.5 : probe.what === "xai" ? 1 : 0.001;

async function graphWith(set: string[] = []) {
  const experiment = await loadExperiment(FILE, builtinRegistry(), { set });
  return planSteps(experiment, builtinRegistry(), "cpu");
}

Deno.test("stepSeconds: epochs × (train batches + validation batches) + test predictions", async () => {
  const graph = await graphWith(["segmenter.training.epochs=10", "segmenter.training.batchSize=8"]);
  const cell = graph.cells.find((c) => c.settings.sample.size === 50)!;
  // 50%: 30 training patients (300 slices, 38 batches), 10 validation patients (100 slices,
  // 13 batches); test: 200 slices, 25 batches.
  assert.equal(stepSeconds(cell, counts, perBatch), 10 * (38 * 2 + 13 * 0.5) + 25 * 0.5);
  const full = graph.cells.find((c) => c.settings.sample.size === 100)!;
  assert.equal(stepSeconds(full, counts, perBatch), 10 * (75 * 2 + 25 * 0.5) + 25 * 0.5);
  assert.equal(stepSeconds(full, counts, () => undefined), undefined);
});

Deno.test("stepSeconds: a strategy's stepCost multiplies the training batches only", async () => {
  const graph = await graphWith([
    "segmenter.training.epochs=10",
    "segmenter.training.batchSize=8",
    'grid.strategies=["supervised",{"plugin":"fixmatch","options":{"views":2}}]',
  ]);
  const at50 = graph.cells.filter((c) =>
    c.settings.sample.size === 50 && c.recipe.channels.length === 1
  );
  const [supervised, fixmatch] = at50;
  assert.equal(fixmatch.strategy, "fixmatch");
  // fixmatch, one unlabelled batch, two strong views: 1 + 1.2 × 1 × 2 training cost.
  assert.equal(fixmatch.stepCost, 1 + 1.2 * 2);
  assert.equal(stepSeconds(supervised, counts, perBatch), 10 * (38 * 2 + 13 * 0.5) + 25 * 0.5);
  const cost = stepSeconds(fixmatch, counts, perBatch)!;
  assert.ok(Math.abs(cost - (10 * (38 * 2 * 3.4 + 13 * 0.5) + 25 * 0.5)) < 1e-9);
});

Deno.test("stepSeconds: search candidates multiply training; cam, prior, data, split", async () => {
  const graph = await graphWith([
    "classifier.training.epochs=2",
    "classifier.training.batchSize=10",
    'classifier.training.search={"learningRate":[0.1,0.01],"dropout":[0,0.5]}',
  ]);
  const classifier = graph.steps.find((s) => s.kind === "classifier")!;
  assert.equal(stepSeconds(classifier, counts, perBatch), 4 * 2 * (60 * 2 + 20 * 0.5) + 20 * 0.5);
  const cam = graph.steps.find((s) => s.kind === "source")!;
  assert.equal(stepSeconds(cam, counts, perBatch), (Math.ceil(1000 / 16) + 4) * 1);
  const prior = graph.steps.find((s) => s.kind === "prior")!;
  assert.ok(Math.abs(stepSeconds(prior, counts, perBatch)! - 1) < 1e-9);
  const data = graph.steps.find((s) => s.kind === "data")!;
  assert.equal(stepSeconds(data, counts, perBatch, 12), 12);
  assert.equal(stepSeconds(graph.steps.find((s) => s.kind === "split")!, counts, perBatch), 0);
});

Deno.test("probesOf: a segmenter is timed with its own channels and batch size", async () => {
  const graph = await graphWith();
  const probes = probesOf(graph.cells.find((c) => c.recipe.name === "1Ch+CAM*")!, counts);
  assert.deepEqual(probes.map((p) => p.what), ["train", "infer"]);
  const train = probes[0] as NetworkProbe;
  assert.deepEqual(train.inputShape, [16, 16, 2]);
  assert.equal(train.batch, 8);
  assert.equal(train.network.plugin, "tiny-unet");
});
