import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import { predictBatched } from "../core/training/predict.ts";

function model(weight: number): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 1 })],
  });
  const weights = [tf.fill([1, 1, 1, 2], weight), tf.zeros([2])];
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

Deno.test("predictBatched: a NaN output is an error naming the culprit and the slice", async () => {
  await tf.setBackend("cpu");
  const inputs = tf.ones([5, 4, 4, 1]) as tf.Tensor4D;
  const argMax = (p: tf.Tensor) => tf.argMax(p, -1);
  const good = model(1);
  const before = tf.memory().numTensors;
  const values = await predictBatched(good, inputs, 2, argMax, 'segmenter plugin "x"');
  assert.equal(values.length, 5 * 16);
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  const bad = model(NaN);
  const withBad = tf.memory().numTensors;
  await assert.rejects(
    predictBatched(bad, inputs, 2, argMax, 'segmenter plugin "x"'),
    /segmenter plugin "x" output NaN or infinite values \(first for slice 0\); nothing was stored/,
  );
  assert.equal(tf.memory().numTensors, withBad, "no tensors leak on failure");
  assert.equal(
    (await predictBatched(bad, inputs, 2, argMax)).length,
    80,
    "unchecked without culprit",
  );
  tf.dispose([inputs]);
  good.dispose();
  bad.dispose();
});
