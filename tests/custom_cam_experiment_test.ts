/**
 * The example experiment `experiments/custom-cam.json` validates, loads its CAM method from
 * `experiments/my_eigencam.ts` by path, and that method computes EigenCAM: its maps equal
 * the built-in `eigencam` with the same sign convention.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { loadExperiment } from "../core/config/experiment.ts";
import type { ClassifierNetwork } from "../core/plugin/plugin.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { eigencamPlugin } from "../plugins/xai/eigencam.ts";
import { relativeError, seeded, testContext, toTensor } from "./backend_parity.ts";

const EXPERIMENT = new URL("../experiments/custom-cam.json", import.meta.url).pathname;
const PLUGIN = new URL("../experiments/my_eigencam.ts", import.meta.url).pathname;

Deno.test("custom-cam experiment validates and registers my-eigencam from its file", async () => {
  const registry = builtinRegistry();
  assert.equal(registry.has("xai", "my-eigencam"), false);
  const experiment = await loadExperiment(EXPERIMENT, registry);
  assert.ok(registry.has("xai", "my-eigencam"));
  assert.deepEqual(experiment.priors.EIG.xai, {
    plugin: "my-eigencam",
    options: { iterations: 200 },
  });
  assert.deepEqual(experiment.grid.recipes.map((r) => r.name), ["1Ch", "1Ch+CAM", "1Ch+EIG"]);
  const source = await Deno.readTextFile(PLUGIN);
  assert.ok(source.split("\n").length < 60, "the example should stay under 60 lines");
});

async function network(): Promise<ClassifierNetwork> {
  const classifier = await tinyCnnPlugin.create({ filters: 4, blocks: 1 }, testContext());
  return classifier.build({ inputShape: [16, 16, 1], numClasses: 3 });
}

Deno.test("my-eigencam gives the built-in eigencam's maps (sign with-activations)", async () => {
  await cpuBackendPlugin.create({}, testContext());
  const registry = builtinRegistry();
  await loadExperiment(EXPERIMENT, registry);
  const mine = await registry.get("xai", "my-eigencam").create({ iterations: 200 }, testContext());
  const builtin = eigencamPlugin.create({ sign: "with-activations" });
  const net = await network();
  const images = toTensor(seeded([3, 16, 16, 1], 9)) as tf.Tensor4D;
  const [a, b] = [
    mine.explain(net, images, "predicted"),
    builtin.explain(net, images, "predicted"),
  ];
  const error = relativeError(await a.data(), await b.data());
  tf.dispose([a, b, images]);
  net.model.dispose();
  assert.ok(error < 1e-3, `my-eigencam differs from eigencam by ${error}`);
});
