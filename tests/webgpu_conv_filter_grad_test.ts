import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { setFilterGradSplit } from "../plugins/backend/webgpu/conv_filter_grad.ts";
import { DEFAULT_SPLIT, planGemm, type SplitTuning } from "../plugins/backend/webgpu/gemm_plan.ts";
import { toTensor } from "./backend_parity.ts";
import {
  assertMatchesCpu,
  type ConvCase,
  convCases,
  countsOf,
  describeCase,
  hostData,
  startCustomWebGpu,
} from "./helpers/webgpu_kernel_check.ts";

/** Split-K on every case: slices of 16 K values, up to 64 workgroups. */
const FORCED_SPLIT: SplitTuning = { targetGroups: 64, minChunk: 16 };

function info(c: ConvCase) {
  return tf.backend_util.computeConv2DInfo([...c.x], [...c.filter], c.stride, 1, c.pad);
}

/** `Conv2DBackpropFilter` of the case, as tfjs' conv2d gradient calls it. */
function filterGrad(c: ConvCase, x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
    strides: c.stride,
    pad: c.pad,
    dataFormat: "NHWC",
    filterShape: [...c.filter],
  }) as tf.Tensor;
}

/** K slices the filter gradient of `c` uses with `split`. */
function slicesOf(c: ConvCase, split: SplitTuning): number {
  const i = info(c);
  const plan = planGemm(
    i.filterHeight * i.filterWidth * i.inChannels,
    i.outChannels,
    i.batchSize * i.outHeight * i.outWidth,
    { limits: { maxStorageBytes: 2 ** 27 }, split },
  );
  return "splits" in plan ? plan.splits : 0;
}

async function checkCases(cases: readonly ConvCase[], split: SplitTuning, seed: number) {
  const previous = setFilterGradSplit(split);
  try {
    let worst = 0;
    for (const [i, c] of cases.entries()) {
      const x = hostData(c.x, seed + i);
      const dy = hostData(info(c).outShape, seed + 50 + i);
      const label = `${describeCase(c)} (${slicesOf(c, split)} K slices)`;
      worst = Math.max(
        worst,
        await assertMatchesCpu(label, () => [filterGrad(c, toTensor(x), toTensor(dy))]),
      );
    }
    return worst;
  } finally {
    setFilterGradSplit(previous);
  }
}

Deno.test("webgpu conv2d filter-gradient kernel matches cpu on random shapes, with and without split-K", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d filter gradient"))) return;
  const before = countsOf("Conv2DBackpropFilter");
  const cases = convCases(13);
  const whole = await checkCases(cases, DEFAULT_SPLIT, 100);
  const split = await checkCases(cases, FORCED_SPLIT, 200);
  const sliced = cases.filter((c) => slicesOf(c, FORCED_SPLIT) > 1).length;
  assert.ok(sliced >= cases.length - 1, `only ${sliced} of ${cases.length} cases split K`);
  assert.deepEqual(countsOf("Conv2DBackpropFilter"), {
    custom: before.custom + 2 * cases.length,
    stock: before.stock,
  });
  console.log(
    `conv2d filter gradient, worst relative error ${whole.toExponential(1)} (default), ` +
      `${split.toExponential(1)} (split-K on ${sliced} cases) over:\n  ` +
      cases.map((c) => `${describeCase(c)}: ${slicesOf(c, FORCED_SPLIT)} K slices`).join("\n  "),
  );
});

Deno.test("webgpu conv2d filter gradient frees its partial sums", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d filter gradient memory"))) return;
  const c: ConvCase = { x: [2, 9, 9, 4], filter: [3, 3, 4, 8], stride: 1, pad: "same" };
  const x = toTensor(hostData(c.x, 1));
  const dy = toTensor(hostData(info(c).outShape, 2));
  const previous = setFilterGradSplit(FORCED_SPLIT);
  try {
    assert.ok(slicesOf(c, FORCED_SPLIT) > 1);
    const dataIds = tf.engine().backend.numDataIds();
    const dw = filterGrad(c, x, dy);
    await dw.data();
    dw.dispose();
    assert.equal(tf.engine().backend.numDataIds(), dataIds);
  } finally {
    setFilterGradSplit(previous);
    tf.dispose([x, dy]);
  }
});
