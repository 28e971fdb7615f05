import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { toTensor } from "./backend_parity.ts";
import {
  assertMatchesCpu,
  convCases,
  countsOf,
  describeCase,
  hostData,
  startCustomWebGpu,
} from "./helpers/webgpu_kernel_check.ts";

Deno.test("webgpu conv2d forward kernels (plain, bias, bias + ReLU) match cpu on random shapes", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d forward"))) return;
  const plain = countsOf("Conv2D");
  const fused = countsOf("FusedConv2D");
  const cases = convCases(11);
  let worst = 0;
  for (const [i, c] of cases.entries()) {
    const [x, filter, bias] = [
      hostData(c.x, 10 + i),
      hostData(c.filter, 40 + i),
      hostData([c.filter[3]], 70 + i),
    ];
    worst = Math.max(
      worst,
      await assertMatchesCpu(describeCase(c), () => {
        const args = {
          x: toTensor(x) as tf.Tensor4D,
          filter: toTensor(filter) as tf.Tensor4D,
          strides: c.stride,
          pad: c.pad,
        };
        return [
          tf.conv2d(args.x, args.filter, c.stride, c.pad),
          tf.fused.conv2d({ ...args, bias: toTensor(bias), activation: "relu" }),
          tf.fused.conv2d({ ...args, bias: toTensor(bias), activation: "linear" }),
        ];
      }),
    );
  }
  assert.deepEqual(countsOf("Conv2D"), { custom: plain.custom + cases.length, stock: plain.stock });
  assert.deepEqual(countsOf("FusedConv2D"), {
    custom: fused.custom + 2 * cases.length,
    stock: fused.stock,
  });
  console.log(
    `conv2d forward, worst relative error ${worst.toExponential(1)} over:\n  ` +
      cases.map(describeCase).join("\n  "),
  );
});

Deno.test("webgpu conv2d forward hands dilated convolutions and other activations to the stock kernel", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d forward fallback"))) return;
  const [x, filter, bias] = [
    hostData([1, 9, 9, 3], 1),
    hostData([3, 3, 3, 4], 2),
    hostData([4], 3),
  ];
  const plain = countsOf("Conv2D");
  const fused = countsOf("FusedConv2D");
  await assertMatchesCpu("dilated and elu", () => {
    const xt = toTensor(x) as tf.Tensor4D;
    const ft = toTensor(filter) as tf.Tensor4D;
    return [
      tf.conv2d(xt, ft, 1, "same", "NHWC", 2),
      tf.fused.conv2d({
        x: xt,
        filter: ft,
        strides: 1,
        pad: "valid",
        bias: toTensor(bias),
        activation: "elu",
      }),
    ];
  });
  assert.equal(countsOf("Conv2D").stock, plain.stock + 1);
  assert.equal(countsOf("FusedConv2D").stock, fused.stock + 1);
});

Deno.test("webgpu conv2d forward frees every buffer it allocates", async () => {
  if (!(await startCustomWebGpu("webgpu conv2d forward memory"))) return;
  const x = toTensor(hostData([2, 7, 7, 5], 4)) as tf.Tensor4D;
  const filter = toTensor(hostData([3, 3, 5, 6], 5)) as tf.Tensor4D;
  const bias = toTensor(hostData([6], 6));
  const dataIds = tf.engine().backend.numDataIds();
  for (let i = 0; i < 3; i++) {
    const y = tf.fused.conv2d({ x, filter, bias, activation: "relu", pad: "same", strides: 1 });
    await y.data();
    y.dispose();
  }
  assert.equal(tf.engine().backend.numDataIds(), dataIds);
  tf.dispose([x, filter, bias]);
});
