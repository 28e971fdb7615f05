import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  logitCrossEntropy,
  oneHotTargets,
  pixelCrossEntropy,
  segmentationLoss,
  type SegmentationLossName,
  softDiceLoss,
  softIoULoss,
} from "../core/training/losses.ts";
import { hostValues, presentBackends, useBackend } from "./model_harness.ts";

const near = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

/** Two 2×2 images, 2 classes: probabilities and labels with known overlaps. */
function example() {
  const probs = tf.tensor4d([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7, 1, 0, 1, 0, 0, 1, 0, 1], [
    2,
    2,
    2,
    2,
  ]);
  const labels = tf.tensor3d([0, 1, 0, 1, 0, 0, 1, 1], [2, 2, 2], "int32");
  return { probs, labels };
}

async function scalar(t: tf.Tensor): Promise<number> {
  const [value] = await hostValues(t);
  t.dispose();
  return value;
}

for (const backend of await presentBackends()) {
  Deno.test(`losses on ${backend}: one-hot targets, IoU, Dice, cross-entropy`, async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const { probs, labels } = example();
    const onehot = oneHotTargets(labels, 2) as tf.Tensor4D;
    assert.equal(onehot.dtype, "float32");
    assert.deepEqual(Array.from(await hostValues(onehot)).slice(0, 8), [1, 0, 0, 1, 1, 0, 0, 1]);
    const sums = tf.sum(onehot, [1, 2]);
    assert.deepEqual(Array.from(await hostValues(sums)), [2, 2, 2, 2]);
    // Over the batch, class 0: I = 0.9 + 0.6 (image 1) + 1 + 1 (image 2) = 3.5,
    // |P| = 2 + 2, |T| = 4; class 1 alike: I = 0.8 + 0.7 + 1 + 1 = 3.5, |P| = |T| = 4.
    const dice = [7 / 8, 7 / 8];
    const iou = [3.5 / 4.5, 3.5 / 4.5];
    const mean = (v: number[]) => v.reduce((a, b) => a + b) / v.length;
    near(await scalar(softDiceLoss(probs, onehot)), 1 - mean(dice));
    near(await scalar(softIoULoss(probs, onehot)), 1 - mean(iou));
    const ce = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.7)) / 8;
    near(await scalar(pixelCrossEntropy(probs, onehot)), ce, 1e-4);
    const both = await scalar(segmentationLoss("crossentropy+dice")({ probs }, onehot));
    near(both, ce + 1 - mean(dice), 1e-4);
    tf.dispose([probs, labels, onehot, sums]);
    assert.equal(tf.memory().numTensors, before);
  });
}

Deno.test("losses: class weights scale the cross-entropy of each pixel's true class", async () => {
  await useBackend("cpu");
  const { probs, labels } = example();
  const onehot = oneHotTargets(labels, 2) as tf.Tensor4D;
  const weights = tf.tensor1d([2, 0]);
  const ce = -(2 * Math.log(0.9) + 2 * Math.log(0.6)) / 8;
  near(await scalar(pixelCrossEntropy(probs, onehot, weights)), ce, 1e-4);
  const iouOnly = segmentationLoss("iou", weights);
  near(await scalar(iouOnly({ probs }, onehot)), await scalar(softIoULoss(probs, onehot)));
  assert.throws(
    () => segmentationLoss("crossentropy+focal" as SegmentationLossName),
    /unknown segmentation loss term "focal"/,
  );
  tf.dispose([probs, labels, onehot, weights]);
});

Deno.test("losses: cross-entropy from logits matches, and keeps its gradient when saturated", async () => {
  await useBackend("cpu");
  const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], "int32");
  const onehot = oneHotTargets(labels, 3) as tf.Tensor4D;
  const logits = tf.tensor4d([1, 2, 0, 0, 1, -1, 2, 2, 2, 0, 3, 1], [1, 2, 2, 3]);
  const fromProbs = pixelCrossEntropy(tf.softmax(logits) as tf.Tensor4D, onehot);
  near(await scalar(logitCrossEntropy(logits, onehot)), await scalar(fromProbs), 1e-5);
  const loss = segmentationLoss("crossentropy");
  near(
    await scalar(loss({ probs: tf.softmax(logits) as tf.Tensor4D, logits }, onehot)),
    await scalar(logitCrossEntropy(logits, onehot)),
  );
  // A softmax saturated on the wrong class: the clipped probability path has no gradient.
  const saturated = tf.tensor4d(Array(4).fill([40, -40, -40]).flat(), [1, 2, 2, 3]);
  const viaLogits = tf.grad((z: tf.Tensor) => logitCrossEntropy(z as tf.Tensor4D, onehot));
  const viaProbs = tf.grad((z: tf.Tensor) =>
    pixelCrossEntropy(tf.softmax(z) as tf.Tensor4D, onehot)
  );
  const [g1, g2] = [viaLogits(saturated), viaProbs(saturated)];
  const norm = async (g: tf.Tensor) => await scalar(tf.sum(tf.abs(g)));
  assert.ok(await norm(g1) > 1, "logit cross-entropy lost its gradient");
  assert.ok(await norm(g2) < 1e-6, "the clipped path was expected to lose its gradient");
  tf.dispose([labels, onehot, logits, fromProbs, saturated, g1, g2]);
});

Deno.test("losses: a pixel mask leaves masked pixels out (cross-entropy keeps the full mean)", async () => {
  await useBackend("wasm");
  const { probs, labels } = example();
  const onehot = oneHotTargets(labels, 2) as tf.Tensor4D;
  // Keep the first image only: overlap losses equal those of the first image alone.
  const mask = tf.tensor3d([1, 1, 1, 1, 0, 0, 0, 0], [2, 2, 2]);
  const first = (t: tf.Tensor4D) => tf.slice(t, 0, 1) as tf.Tensor4D;
  near(
    await scalar(softDiceLoss(probs, onehot, mask)),
    await scalar(softDiceLoss(first(probs), first(onehot))),
  );
  near(
    await scalar(softIoULoss(probs, onehot, mask)),
    await scalar(softIoULoss(first(probs), first(onehot))),
  );
  const ce = await scalar(pixelCrossEntropy(probs, onehot, undefined, mask));
  near(ce, (await scalar(pixelCrossEntropy(first(probs), first(onehot)))) / 2);
  const logits = tf.log(tf.clipByValue(probs, 1e-6, 1)) as tf.Tensor4D;
  near(await scalar(logitCrossEntropy(logits, onehot, undefined, mask)), ce, 1e-4);
  const all = segmentationLoss("crossentropy+dice");
  const zero = tf.zeros([2, 2, 2]) as tf.Tensor3D;
  near(await scalar(all({ probs, logits }, onehot, zero)), 0);
  tf.dispose([probs, labels, onehot, mask, logits, zero]);
});
