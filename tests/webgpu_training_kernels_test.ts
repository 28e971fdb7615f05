import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { fit, type FitResult, type TensorDataset } from "../core/training/fit.ts";
import { fusedSegmentationLossOf } from "../core/training/fused_loss.ts";
import { oneHotTargets, segmentationLoss } from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { isSwapped } from "../plugins/backend/webgpu/kernel_swap.ts";
import { LOSS_KERNEL } from "../plugins/backend/webgpu/seg_loss.ts";
import {
  registerWebGpuTrainingKernels,
  restoreStockWebGpuKernels,
  WEBGPU_TRAINING_KERNELS,
} from "../plugins/backend/webgpu/training_kernels.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { seeded, testContext, toTensor } from "./backend_parity.ts";
import { countsOf, startCustomWebGpu } from "./helpers/webgpu_kernel_check.ts";

const KERNELS = Object.keys(WEBGPU_TRAINING_KERNELS);
const EPOCHS = 3;

/** 8 two-channel 16×16 images whose labels (4 classes) are bands the net can learn. */
function dataset(): TensorDataset {
  return tf.tidy(() => {
    const inputs = toTensor(seeded([8, 16, 16, 2], 3)) as tf.Tensor4D;
    const bands = tf.floor(tf.mul(tf.add(tf.slice(inputs, [0, 0, 0, 0], [8, 16, 16, 1]), 1), 2));
    const labels = tf.reshape(tf.clipByValue(bands, 0, 3), [8, 16, 16]);
    return { inputs, targets: oneHotTargets(labels, 4) };
  });
}

/** A small U-Net (2 levels, 4 base filters), trained with fit() on the paper's loss + CE. */
async function trainUnet(): Promise<FitResult> {
  const ctx = testContext();
  const unet = unetPlugin.create(
    unetPlugin.options.parse({ depth: 1, filters: 4 }),
    ctx,
  ) as SegmenterInstance;
  const model: tfl.LayersModel = unet.build({ inputShape: [16, 16, 2], numClasses: 4 });
  const data = dataset();
  const loss = segmentationLoss("crossentropy+iou");
  try {
    return await fit(model, data, undefined, {
      settings: trainingSchema.parse({ epochs: EPOCHS, batchSize: 4, learningRate: 0.01 }),
      loss: (m, x, y, training) => loss(applySegmenter(m, x, training), y as tf.Tensor4D),
      seed: 5,
      signal: new AbortController().signal,
      label: "webgpu training test",
    });
  } finally {
    tf.dispose([data.inputs, data.targets]);
    model.dispose();
  }
}

/** Counts the webgpu backend's read-backs while `run` runs. */
async function countingReads<T>(run: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const backend = tf.engine().backend;
  const read = backend.read.bind(backend);
  let reads = 0;
  backend.read = (dataId) => {
    reads++;
    return read(dataId);
  };
  try {
    return { result: await run(), reads };
  } finally {
    backend.read = read;
  }
}

Deno.test("webgpu custom kernels can be withdrawn and registered again", async () => {
  if (!(await startCustomWebGpu("webgpu kernel registration"))) return;
  assert.ok(KERNELS.every((name) => isSwapped("webgpu", name)));
  assert.ok(fusedSegmentationLossOf("webgpu"));
  assert.deepEqual(restoreStockWebGpuKernels().sort(), [...KERNELS].sort());
  assert.ok(KERNELS.every((name) => !isSwapped("webgpu", name)));
  assert.equal(fusedSegmentationLossOf("webgpu"), undefined);
  assert.deepEqual(registerWebGpuTrainingKernels().sort(), [...KERNELS].sort());
  assert.deepEqual(registerWebGpuTrainingKernels(), []);
});

Deno.test("U-Net training with the custom kernels follows the stock kernels' loss curve; one read-back per epoch", async () => {
  if (!(await startCustomWebGpu("webgpu training loss curve"))) return;
  const before = Object.fromEntries([...KERNELS, LOSS_KERNEL].map((k) => [k, countsOf(k).custom]));
  const custom = await countingReads(trainUnet);
  for (const name of [...KERNELS, LOSS_KERNEL]) {
    if (name === "Conv2D") continue; // the U-Net's convolutions all have a bias
    assert.ok(countsOf(name).custom > before[name], `${name} did not run`);
  }
  assert.equal(custom.reads, EPOCHS, `read back ${custom.reads} times in ${EPOCHS} epochs`);
  restoreStockWebGpuKernels();
  try {
    const stock = await trainUnet();
    const curve = (r: FitResult) => r.history.map((e) => e.loss);
    console.log(`losses per epoch, custom ${curve(custom.result)}; stock ${curve(stock)}`);
    curve(stock).forEach((loss, epoch) => {
      const diff = Math.abs(curve(custom.result)[epoch] - loss) / Math.abs(loss);
      assert.ok(diff <= 1e-4, `epoch ${epoch + 1}: custom differs from stock by ${diff} relative`);
    });
    assert.ok(curve(stock).at(-1)! < curve(stock)[0], "the loss did not fall");
  } finally {
    registerWebGpuTrainingKernels();
  }
});
