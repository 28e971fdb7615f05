import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { ConfigError } from "../core/util/errors.ts";
import {
  balancedClassWeights,
  classCounts,
  classWeightsSchema,
  resolveClassWeights,
} from "../core/training/class_weights.ts";
import { classificationCrossEntropy, oneHotTargets } from "../core/training/losses.ts";

await tf.setBackend("cpu");

Deno.test("balanced weights follow scikit-learn: n / (classes · count)", () => {
  // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0,1,2], y=…)
  assert.deepEqual(balancedClassWeights([0, 0, 0, 1, 2, 2], 3), [6 / 9, 2, 1]);
  assert.deepEqual(classCounts([4, 0, 4], 5), [1, 0, 0, 0, 2]);
  // An absent class keeps weight 1; every present class carries the same total weight.
  const weights = balancedClassWeights([0, 0, 1, 3, 3, 3, 3, 3], 4);
  assert.equal(weights[2], 1);
  assert.ok(Math.abs(weights[0] * 2 - weights[3] * 5) < 1e-12);
});

Deno.test("class weight settings: none, balanced, explicit; wrong length is a config error", () => {
  const labels = [0, 1, 1, 1];
  assert.equal(resolveClassWeights("none", labels, 2), undefined);
  assert.deepEqual(resolveClassWeights("balanced", labels, 2), [2, 2 / 3]);
  assert.deepEqual(resolveClassWeights([1, 3], labels, 2), [1, 3]);
  assert.throws(() => resolveClassWeights([1, 2, 3], labels, 2), ConfigError);
  assert.throws(() => classCounts([0, 2], 2), RangeError);
  assert.throws(() => classWeightsSchema.parse("inverse"));
});

Deno.test("weighted cross-entropy is the mean of per-sample losses times true-class weights", () => {
  const logits = tf.tensor2d([[2, 0, 0], [0, 1, 0], [0, 0, 3], [1, 1, 1]]);
  const labels = tf.tensor1d([0, 1, 2, 1], "int32");
  const weights = [0.5, 2, 1];
  const probs = tf.tidy(() => tf.softmax(logits).arraySync()) as number[][];
  const truth = [0, 1, 2, 1];
  const expected = truth.reduce((sum, c, i) => sum - weights[c] * Math.log(probs[i][c]), 0) / 4;
  const onehot = oneHotTargets(labels, 3) as tf.Tensor2D;
  const w = tf.tensor1d(weights);
  const weighted = classificationCrossEntropy(logits, onehot, w);
  const ones = tf.ones([3]) as tf.Tensor1D;
  const plain = [
    classificationCrossEntropy(logits, onehot),
    classificationCrossEntropy(logits, onehot, ones),
  ];
  assert.ok(Math.abs(weighted.dataSync()[0] - expected) < 1e-6);
  assert.ok(Math.abs(plain[0].dataSync()[0] - plain[1].dataSync()[0]) < 1e-6);
  tf.dispose([logits, labels, onehot, w, weighted, ones, ...plain]);
});
