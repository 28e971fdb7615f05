import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { CampriorError } from "../core/util/errors.ts";
import { explainMissingKernel } from "../core/backend/activate.ts";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from "../plugins/backend/wasm/kernels.ts";
import {
  againstCpu,
  assertGradientsClose,
  assertParity,
  type GradientResult,
  gradientValues,
  type HostTensor,
  parityRun,
  seeded,
  testContext,
} from "./backend_parity.ts";

const startWasm = () => wasmBackendPlugin.create({}, testContext());

Deno.test("wasm plugin activates wasm with the training kernels", async () => {
  const instance = await startWasm();
  assert.equal(instance.tfBackend, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.match(instance.description, /^wasm \((no )?SIMD, 1 thread\)$/);
  for (const name of Object.keys(WASM_TRAINING_KERNELS)) {
    assert.ok(tf.getKernel(name, "wasm"), `${name} not registered`);
  }
  assert.deepEqual(registerWasmTrainingKernels(), [], "registering twice added kernels");
});

Deno.test("wasm matches cpu on the parity net; memory flat over Adam steps", async () => {
  const { actual, reference } = await againstCpu(startWasm, parityRun);
  const worst = assertParity(actual, reference, "wasm");
  console.log(`wasm vs cpu: worst relative gradient error ${worst.toExponential(1)}`);
});

/** Buffers held by the active backend and, under wasm, by the cpu fallback's backend. */
function bufferCount(): number {
  const cpu = tf.getBackend() === "cpu" ? 0 : tf.findBackend("cpu")?.numDataIds() ?? 0;
  return tf.backend().numDataIds() + cpu;
}

/** Runs `compute` and counts the backend buffers it leaves behind. */
async function countingBuffers<T>(
  compute: () => Promise<T>,
): Promise<{ grads: T; leftBehind: number }> {
  const before = bufferCount();
  const grads = await compute();
  return { grads, leftBehind: bufferCount() - before };
}

/** One conv2d case: input `[batch, height, width, inChannels]`, filter, stride, padding. */
interface ConvCase {
  readonly x: readonly [number, number, number, number];
  readonly filter: readonly [number, number, number, number];
  readonly stride: 1 | 2;
  readonly pad: "same" | "valid";
}

/** Odd sizes, 1–4 input channels, strides 1 and 2, same and valid padding. */
function convCases(): ConvCase[] {
  const sizes: [number, number, number, number][] = [
    [1, 7, 9, 1],
    [2, 9, 5, 2],
    [1, 11, 7, 3],
    [2, 5, 5, 4],
  ];
  const filters: [number, number][] = [[3, 3], [2, 3], [3, 1], [1, 1]];
  return sizes.flatMap((x, i) =>
    ([1, 2] as const).flatMap((stride) =>
      (["same", "valid"] as const).map((pad) => ({
        x,
        filter: [...filters[i], x[3], 3 + i] as const,
        stride,
        pad,
      }))
    )
  );
}

/** Host data for `sum(conv2d(x, filter) · dy)`, whose gradients need both conv backprops. */
function convInputs(c: ConvCase, seed: number): HostTensor[] {
  const info = tf.backend_util.computeConv2DInfo([...c.x], [...c.filter], c.stride, 1, c.pad);
  return [seeded(c.x, seed), seeded(c.filter, seed + 1), seeded(info.outShape, seed + 2)];
}

function convGradients(cases: ConvCase[]): Promise<GradientResult[]> {
  return Promise.all(cases.map((c, i) =>
    gradientValues(
      (x, f, dy) =>
        tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad), dy)),
      convInputs(c, 10 * i),
    )
  ));
}

Deno.test("wasm Conv2DBackpropFilter matches cpu (odd sizes, strides 1/2, same/valid)", async () => {
  const cases = convCases();
  const { actual, reference } = await againstCpu(
    startWasm,
    () => countingBuffers(() => convGradients(cases)),
  );
  cases.forEach((c, i) => {
    const label = `x ${c.x}, filter ${c.filter}, stride ${c.stride}, ${c.pad}`;
    assertGradientsClose(actual.grads[i], reference.grads[i], label, ["x", "filter", "dy"]);
  });
  assert.equal(actual.leftBehind, 0, "buffers left behind by the kernels");
});

Deno.test("wasm gradients of fused conv2d, depthwiseConv2d and gather match cpu", async () => {
  // tfjs-layers' Conv2D layer uses fused.conv2d (bias and activation in one kernel).
  const fused = (x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor) =>
    tf.sum(tf.square(tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: filter as tf.Tensor4D,
      strides: 2,
      pad: "same",
      bias,
      activation: "relu",
    })));
  const depthwise = (stride: 1 | 2, pad: "same" | "valid") => (x: tf.Tensor, f: tf.Tensor) =>
    tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad)));
  const gather = (params: tf.Tensor) =>
    tf.sum(tf.square(tf.gather(params, tf.tensor1d([1, 3, 1, 4], "int32"))));
  const cases: [string, (...t: tf.Tensor[]) => tf.Tensor, HostTensor[]][] = [
    ["fused conv2d", fused, [seeded([2, 9, 7, 3], 6), seeded([3, 3, 3, 4], 7), seeded([4], 8)]],
    ["depthwise 1 valid", depthwise(1, "valid"), [
      seeded([2, 7, 6, 3], 1),
      seeded([3, 3, 3, 2], 2),
    ]],
    ["depthwise 2 same", depthwise(2, "same"), [seeded([1, 9, 7, 2], 3), seeded([2, 3, 2, 1], 4)]],
    ["gather", gather, [seeded([5, 3], 5)]],
  ];
  const { actual, reference } = await againstCpu(
    startWasm,
    () =>
      countingBuffers(() => Promise.all(cases.map(([, f, inputs]) => gradientValues(f, inputs)))),
  );
  cases.forEach(([label], i) => assertGradientsClose(actual.grads[i], reference.grads[i], label));
  assert.equal(actual.leftBehind, 0, "buffers left behind by the kernels (wasm or cpu)");
});

Deno.test("explainMissingKernel names the op and a backend that has it", async () => {
  await startWasm();
  let caught: unknown;
  try {
    tf.tidy(() => tf.einsum("ij,jk->ik", tf.ones([2, 2]), tf.ones([2, 2])));
  } catch (error) {
    caught = error;
  }
  const explained = explainMissingKernel(caught);
  assert.ok(explained instanceof CampriorError);
  assert.match(explained.message, /wasm backend cannot run op "Einsum".*--backend cpu/);
  const other = new Error("something else");
  assert.equal(explainMissingKernel(other), other);
  assert.equal(explainMissingKernel("plain").message, "plain");
});
