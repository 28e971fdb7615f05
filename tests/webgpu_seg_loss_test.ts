import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  oneHotTargets,
  segmentationLoss,
  type SegmentationLossName,
} from "../core/training/losses.ts";
import { LOSS_KERNEL } from "../plugins/backend/webgpu/seg_loss.ts";
import { lossTermsOf } from "../core/training/fused_loss.ts";
import { toTensor } from "./backend_parity.ts";
import {
  assertMatchesCpu,
  countsOf,
  hostData,
  startCustomWebGpu,
} from "./helpers/webgpu_kernel_check.ts";

/** A loss to check: logits shape, terms, and whether class weights are given. */
interface LossCase {
  readonly shape: readonly [number, number, number, number];
  readonly loss: SegmentationLossName;
  readonly weighted: boolean;
}

const CASES: readonly LossCase[] = [
  { shape: [2, 9, 7, 4], loss: "iou", weighted: false },
  { shape: [3, 5, 11, 4], loss: "crossentropy", weighted: true },
  { shape: [1, 13, 9, 3], loss: "crossentropy+iou", weighted: false },
  { shape: [2, 7, 7, 5], loss: "crossentropy+iou", weighted: true },
  { shape: [2, 9, 5, 2], loss: "dice", weighted: false },
  { shape: [1, 11, 13, 6], loss: "crossentropy+dice", weighted: true },
  { shape: [4, 3, 3, 1], loss: "iou+crossentropy", weighted: false },
  { shape: [2, 33, 31, 4], loss: "crossentropy+iou", weighted: true },
];

/** Labels in `[0, classes)` with every class present (a pattern, not random). */
function labels(shape: LossCase["shape"]): tf.Tensor {
  const [n, h, w, classes] = shape;
  const values = Int32Array.from({ length: n * h * w }, (_, i) => (i * 7 + (i >> 2)) % classes);
  return tf.tensor3d(values, [n, h, w], "int32");
}

/** The loss and its gradient w.r.t. the logits, through `segmentationLoss` as training uses it. */
function lossAndGrad(c: LossCase, seed: number): tf.Tensor[] {
  const logits = tf.mul(toTensor(hostData(c.shape, seed)), 4) as tf.Tensor4D;
  const oneHot = oneHotTargets(labels(c.shape), c.shape[3]) as tf.Tensor4D;
  const weights = c.weighted
    ? tf.tensor1d(Array.from({ length: c.shape[3] }, (_, k) => 0.5 + k))
    : undefined;
  const loss = segmentationLoss(c.loss, weights);
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) =>
    loss({ logits: z as tf.Tensor4D, probs: tf.softmax(z) as tf.Tensor4D }, oneHot)
  )(logits);
  return [value, grad];
}

Deno.test("webgpu fused segmentation loss: value and logit gradient match cpu's stock loss", async () => {
  if (!(await startCustomWebGpu("webgpu fused segmentation loss"))) return;
  const before = countsOf(LOSS_KERNEL);
  let worst = 0;
  for (const [i, c] of CASES.entries()) {
    const label = `${c.loss}${c.weighted ? " weighted" : ""} on ${c.shape.join("x")}`;
    worst = Math.max(worst, await assertMatchesCpu(label, () => lossAndGrad(c, 10 + i)));
  }
  assert.deepEqual(countsOf(LOSS_KERNEL), {
    custom: before.custom + CASES.length,
    stock: before.stock,
  });
  console.log(
    `fused loss, ${CASES.length} cases: worst relative error ${worst.toExponential(1)}`,
  );
});

Deno.test("webgpu fused segmentation loss declines 17 classes and probability-only outputs", async () => {
  if (!(await startCustomWebGpu("webgpu fused segmentation loss fallback"))) return;
  const before = countsOf(LOSS_KERNEL);
  const wide: LossCase = { shape: [1, 5, 5, 17], loss: "crossentropy+iou", weighted: false };
  await assertMatchesCpu("17 classes", () => lossAndGrad(wide, 3));
  assert.equal(countsOf(LOSS_KERNEL).stock, before.stock + 1);
  const probsOnly = tf.tidy(() => {
    const probs = tf.softmax(toTensor(hostData([1, 5, 5, 4], 4))) as tf.Tensor4D;
    const oneHot = oneHotTargets(labels([1, 5, 5, 4]), 4) as tf.Tensor4D;
    return segmentationLoss("iou")({ probs }, oneHot);
  });
  probsOnly.dispose();
  assert.deepEqual(countsOf(LOSS_KERNEL), { custom: before.custom, stock: before.stock + 1 });
});

Deno.test("webgpu fused segmentation loss frees every buffer it allocates", async () => {
  if (!(await startCustomWebGpu("webgpu fused segmentation loss memory"))) return;
  const c = CASES[3];
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  for (let i = 0; i < 2; i++) {
    const outputs = tf.tidy(() => lossAndGrad(c, 5));
    await Promise.all(outputs.map((t) => t.data()));
    tf.dispose(outputs);
  }
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.engine().backend.numDataIds(), dataIds);
});

Deno.test("fused loss terms: known names only, each once", () => {
  assert.deepEqual(lossTermsOf(["crossentropy", "iou"]), {
    iou: true,
    dice: false,
    crossentropy: true,
  });
  assert.equal(lossTermsOf(["iou", "iou"]), undefined);
  assert.equal(lossTermsOf(["focal"]), undefined);
  assert.equal(lossTermsOf([]), undefined);
});
