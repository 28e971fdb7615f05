import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import type { ClassifierInstance, SegmenterInstance } from "../core/plugin/plugin.ts";
import {
  CHECKPOINT_FILES,
  loadCheckpoint,
  loadClassifierCheckpoint,
  saveCheckpoint,
} from "../core/training/checkpoint.ts";
import { resnetPlugin } from "../plugins/classifier/resnet.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { testContext } from "./backend_parity.ts";
import { hostValues, pattern, useBackend } from "./model_harness.ts";

await useBackend("wasm");

/** One Adam step in training mode, so batch-norm statistics move away from their start. */
function trainOnce(model: tfl.LayersModel, x: tf.Tensor4D): void {
  const optimizer = tf.train.adam(0.01);
  optimizer.minimize(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)));
  optimizer.dispose();
}

async function weightsOf(model: tfl.LayersModel): Promise<Float32Array[]> {
  return await Promise.all(model.getWeights().map(hostValues));
}

Deno.test("checkpoint: a U-Net saves and loads back bit-identically", async () => {
  const dir = await Deno.makeTempDir();
  const before = tf.memory().numTensors;
  const options = unetPlugin.options.parse({ depth: 2, filters: 4, batchNorm: true, dropout: 0.2 });
  const instance = unetPlugin.create(options, testContext()) as SegmenterInstance;
  const model = instance.build({ inputShape: [8, 8, 2], numClasses: 4 });
  const x = tf.tensor4d(pattern(2 * 8 * 8 * 2, 5), [2, 8, 8, 2]);
  trainOnce(model, x);
  await saveCheckpoint(model, dir);
  assert.ok((await Deno.stat(join(dir, CHECKPOINT_FILES.weights))).size > 0);
  const loaded = await loadCheckpoint(dir);
  assert.deepEqual(await weightsOf(loaded), await weightsOf(model));
  const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
  assert.deepEqual(await hostValues(a), await hostValues(b));
  tf.dispose([a, b, x]);
  model.dispose();
  loaded.dispose();
  assert.equal(tf.memory().numTensors, before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpoint: a classifier loads back split at its Grad-CAM target", async () => {
  const dir = await Deno.makeTempDir();
  const options = resnetPlugin.options.parse({ width: 4, stages: [1, 1], stem: "small" });
  const instance = resnetPlugin.create(options, testContext()) as ClassifierInstance;
  const net = instance.build({ inputShape: [8, 8, 1], numClasses: 5 });
  const x = tf.tensor4d(pattern(2 * 64, 9), [2, 8, 8, 1]);
  trainOnce(net.model, x);
  await saveCheckpoint(net.model, dir);
  const loaded = await loadClassifierCheckpoint(dir);
  const outputs = [
    net.model.predict(x),
    loaded.model.predict(x),
    net.features.predict(x),
    loaded.features.predict(x),
  ] as tf.Tensor[];
  const [logits, loadedLogits, maps, loadedMaps] = await Promise.all(outputs.map(hostValues));
  assert.deepEqual(loadedLogits, logits);
  assert.deepEqual(loadedMaps, maps);
  tf.dispose([...outputs, x]);
  net.model.dispose();
  loaded.model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpoint: a missing folder gives a clear error", async () => {
  await assert.rejects(loadCheckpoint("/nonexistent/checkpoint"), /cannot read checkpoint/);
});
