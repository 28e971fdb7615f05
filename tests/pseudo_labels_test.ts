import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import {
  confidenceMask,
  hardPseudoLabels,
  probabilityMse,
  pseudoLabels,
  stopGradient,
} from "../core/training/pseudo_labels.ts";
import { hostValues, useBackend } from "./model_harness.ts";

await useBackend("cpu");

/** Probabilities of 2 pixels over 3 classes. */
const probs = () => tf.tensor4d([0.2, 0.7, 0.1, 0.5, 0.3, 0.2], [1, 1, 2, 3]);

Deno.test("pseudo-labels: argmax and confidence; mask keeps pixels at or above the threshold", async () => {
  const p = probs();
  const { labels, confidence } = pseudoLabels(p);
  assert.deepEqual([...await labels.data()], [1, 0]);
  assert.deepEqual([...await hostValues(confidence)].map((v) => +v.toFixed(3)), [0.7, 0.5]);
  assert.deepEqual([...await confidenceMask(confidence, 0.7).data()], [1, 0]);
  assert.deepEqual([...await confidenceMask(confidence, 0.5).data()], [1, 1]);
  assert.deepEqual([...await confidenceMask(confidence, 0.71).data()], [0, 0]);
  tf.dispose([p, labels, confidence]);
});

Deno.test("pseudo-labels: no gradient flows through hard pseudo-labels or stopGradient", () => {
  const x = probs();
  const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(hardPseudoLabels(p as tf.Tensor4D), p)));
  // d/dp Σ onehot(argmax p)·p = onehot (the pseudo-labels are constants).
  assert.deepEqual([...grad(x).dataSync()], [0, 1, 0, 1, 0, 0]);
  const stopped = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(stopGradient(p), p)));
  assert.deepEqual([...stopped(x).dataSync()].map((v) => +v.toFixed(3)), [
    0.2,
    0.7,
    0.1,
    0.5,
    0.3,
    0.2,
  ]);
  x.dispose();
});

Deno.test("pseudo-labels: probability MSE is the mean squared difference", async () => {
  const [a, b] = [probs(), tf.tensor4d([0, 1, 0, 0.5, 0.3, 0.2], [1, 1, 2, 3])];
  const expected = (0.04 + 0.09 + 0.01) / 6;
  assert.ok(Math.abs((await probabilityMse(a, b).data())[0] - expected) < 1e-7);
  tf.dispose([a, b]);
});
