import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { oneHotTargets, segmentationLoss } from "../core/training/losses.ts";
import type { SegmentationLossName } from "../core/training/losses.ts";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { restoreStockWasmKernels } from "../plugins/backend/wasm/kernels.ts";
import { overlapCoefficients } from "../plugins/backend/wasm/seg_loss.ts";
import { lossTermsOf } from "../core/training/fused_loss.ts";
import {
  againstCpu,
  PARITY_TOLERANCE,
  relativeError,
  seeded,
  testContext,
  toTensor,
} from "./backend_parity.ts";

const startWasm = () => wasmBackendPlugin.create({}, testContext());

/** Loss value and gradient w.r.t. the logits, read back. */
async function lossAndGrad(
  name: SegmentationLossName,
  shape: [number, number, number, number],
  weighted: boolean,
  seed: number,
) {
  const logits = tf.mul(toTensor(seeded(shape, seed)), 3) as tf.Tensor4D;
  const labels = tf.tidy(() =>
    tf.floor(tf.mul(tf.add(toTensor(seeded(shape.slice(0, 3), seed + 1)), 1), shape[3] / 2))
  );
  const target = oneHotTargets(tf.minimum(labels, shape[3] - 1), shape[3]) as tf.Tensor4D;
  const weights = weighted
    ? tf.tensor1d(Array.from({ length: shape[3] }, (_, i) => 1 + i))
    : undefined;
  const loss = segmentationLoss(name, weights);
  const { value, grad } = tf.valueAndGrad((z: tf.Tensor) =>
    loss({ logits: z as tf.Tensor4D, probs: tf.softmax(z) as tf.Tensor4D }, target)
  )(logits);
  const result = { value: (await value.data())[0], grad: await grad.data() as Float32Array };
  tf.dispose([logits, labels, target, value, grad, ...(weights ? [weights] : [])]);
  return result;
}

const CASES: [SegmentationLossName, [number, number, number, number], boolean][] = [
  ["iou", [2, 9, 7, 4], false],
  ["dice", [1, 8, 8, 3], false],
  ["crossentropy", [2, 5, 11, 4], true],
  ["crossentropy+iou", [3, 16, 16, 4], false],
  ["crossentropy+dice", [2, 7, 9, 5], true],
];

Deno.test("the fused wasm segmentation loss matches cpu's composition, value and gradient", async () => {
  for (const [i, [name, shape, weighted]] of CASES.entries()) {
    const { actual, reference } = await againstCpu(
      startWasm,
      () => lossAndGrad(name, shape, weighted, 10 * i + 1),
    );
    const label = `${name} ${shape}${weighted ? " weighted" : ""}`;
    const valueError = relativeError([actual.value], [reference.value]);
    assert.ok(valueError <= PARITY_TOLERANCE, `${label}: value off by ${valueError}`);
    const gradError = relativeError(actual.grad, reference.grad);
    assert.ok(gradError <= PARITY_TOLERANCE, `${label}: gradient off by ${gradError}`);
  }
});

Deno.test("the fused loss replaces the stock composition (one kernel each way)", async () => {
  await startWasm();
  const kernels = async () => {
    const info = await tf.profile(() => lossAndGrad("crossentropy+iou", [1, 8, 8, 4], false, 3));
    return info.kernels.map((k) => k.name);
  };
  const fused = await kernels();
  assert.ok(fused.includes("CampriorWasmSegLoss") && fused.includes("CampriorWasmSegLossGrad"));
  assert.ok(!fused.includes("Log") && !fused.includes("Max"), `stock kernels ran: ${fused}`);
  restoreStockWasmKernels();
  assert.ok(!(await kernels()).includes("CampriorWasmSegLoss"), "restored stock still fused");
  await startWasm();
});

Deno.test("loss terms parse; overlap coefficients are the derivatives of IoU and Dice", () => {
  assert.deepEqual(lossTermsOf(["crossentropy", "iou"]), {
    iou: true,
    dice: false,
    crossentropy: true,
  });
  assert.equal(lossTermsOf(["iou", "iou"]), undefined);
  assert.equal(lossTermsOf(["focal"]), undefined);
  // One class, I = 2, T = 5: IoU = (2 + ε)/(3 + ε); ∂/∂p at y = 1 is A + B, at y = 0 is B.
  const [a, b] = overlapCoefficients({ iou: true, dice: false, crossentropy: false }, [2], [5]);
  const iou = (i: number, t: number) => 1 - (i + 1e-6) / (t - i + 1e-6);
  const h = 1e-4;
  const numeric = (di: number, dt: number) => (iou(2 + di * h, 5 + dt * h) - iou(2, 5)) / h;
  assert.ok(Math.abs(a[0] + b[0] - numeric(1, 1)) < 1e-3, "∂/∂p where y = 1");
  assert.ok(Math.abs(b[0] - numeric(0, 1)) < 1e-3, "∂/∂p where y = 0");
});

Deno.test("the fused loss trains when its targets are made (and freed) inside the loss", async () => {
  await startWasm();
  const z = tf.variable(toTensor(seeded([2, 6, 6, 4], 5)));
  const labels = tf.tidy(() => tf.floor(tf.mul(tf.add(toTensor(seeded([2, 6, 6], 6)), 1), 2)));
  const loss = segmentationLoss("crossentropy+iou");
  const optimizer = tf.train.adam(0.1);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const cost = optimizer.minimize(() =>
      tf.tidy(() => {
        const logits = z as unknown as tf.Tensor4D;
        const target = oneHotTargets(labels, 4) as tf.Tensor4D;
        return loss({ logits, probs: tf.softmax(logits) as tf.Tensor4D }, target);
      }), true)!;
    losses.push((await cost.data())[0]);
    cost.dispose();
  }
  assert.ok(losses[2] < losses[0], `losses ${losses}`);
  tf.dispose([z, labels]);
  optimizer.dispose();
});
