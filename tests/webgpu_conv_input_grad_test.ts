import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
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

/** `dy`'s shape: the convolution's output. */
function outShape(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo([...c.x], [...c.filter], c.stride, 1, c.pad).outShape;
}

/** `Conv2DBackpropInput` of the case, as tfjs' conv2d gradient calls it. */
function inputGrad(c: ConvCase, dy: tf.Tensor, filter: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
    strides: c.stride,
    pad: c.pad,
    dataFormat: "NHWC",
    inputShape: [...c.x],
  }) as tf.Tensor;
}

/** The U-Net's upsampling: a 2×2 transposed convolution, stride 2, 32 → 16 channels. */
const TRANSPOSED: ConvCase = { x: [2, 8, 8, 16], filter: [2, 2, 16, 32], stride: 2, pad: "same" };

Deno.test("webgpu conv2d input-gradient kernel matches cpu on random shapes", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d input gradient"))) return;
  const before = countsOf("Conv2DBackpropInput");
  const cases = [...convCases(12), TRANSPOSED];
  let worst = 0;
  for (const [i, c] of cases.entries()) {
    const dy = hostData(outShape(c), 10 + i);
    const filter = hostData(c.filter, 40 + i);
    worst = Math.max(
      worst,
      await assertMatchesCpu(describeCase(c), () => [inputGrad(c, toTensor(dy), toTensor(filter))]),
    );
  }
  assert.deepEqual(countsOf("Conv2DBackpropInput"), {
    custom: before.custom + cases.length,
    stock: before.stock,
  });
  console.log(
    `conv2d input gradient, worst relative error ${worst.toExponential(1)} over:\n  ` +
      cases.map(describeCase).join("\n  "),
  );
});

Deno.test("webgpu conv2d input gradient frees every buffer it allocates", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d input gradient memory"))) return;
  const dy = toTensor(hostData(outShape(TRANSPOSED), 1));
  const filter = toTensor(hostData(TRANSPOSED.filter, 2));
  const dataIds = tf.engine().backend.numDataIds();
  const dx = inputGrad(TRANSPOSED, dy, filter);
  await dx.data();
  dx.dispose();
  assert.equal(tf.engine().backend.numDataIds(), dataIds);
  tf.dispose([dy, filter]);
});
