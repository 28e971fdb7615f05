import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { inputGradAxis, subPixelFilter } from "../plugins/backend/wasm/conv_grads.ts";
import {
  registerWasmTrainingKernels,
  restoreStockWasmKernels,
  usesFasterKernel,
  WASM_FASTER_KERNELS,
} from "../plugins/backend/wasm/kernels.ts";
import {
  againstCpu,
  assertLossesClose,
  type HostTensor,
  PARITY_TOLERANCE,
  relativeError,
  seeded,
  testContext,
  toTensor,
  trainParityNet,
} from "./backend_parity.ts";

const startWasm = () => wasmBackendPlugin.create({}, testContext());

type Pad = "same" | "valid" | [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

/** One `Conv2DBackpropInput` call: the forward conv's input shape, filter, strides, padding. */
interface InputGradCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: Pad;
  readonly dataFormat?: "NHWC" | "NCHW";
}

/** Uniform integers in `[low, high]` from a 32-bit LCG (same cases on every run). */
function lcg(seed: number) {
  let state = seed >>> 0;
  return (low: number, high: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return low + Math.floor((state / 2 ** 32) * (high - low + 1));
  };
}

/** Random odd sizes, 1–4 input channels, 1–5 taps, strides 1 and 2, same and valid. */
function randomCases(count: number): InputGradCase[] {
  const pick = lcg(2026);
  return Array.from({ length: count }, (_, i): InputGradCase => {
    const [fh, fw] = [pick(1, 5), pick(1, 4)];
    const side = (f: number) => 2 * pick(Math.ceil(f / 2), 6) + 1;
    const stride = (i % 2) + 1;
    return {
      x: [pick(1, 2), side(fh), side(fw), pick(1, 4)],
      filter: [fh, fw, 0, pick(1, 5)],
      strides: [stride, stride],
      pad: i % 4 < 2 ? "same" : "valid",
    };
  }).map((c) => ({ ...c, filter: [c.filter[0], c.filter[1], c.x[3], c.filter[3]] }));
}

/** Cases the random ones may miss: transposed-conv shapes, explicit and lopsided padding. */
const EDGE_CASES: InputGradCase[] = [
  { x: [2, 8, 8, 3], filter: [2, 2, 3, 4], strides: [2, 2], pad: "same" }, // U-Net upsampling
  { x: [1, 9, 7, 2], filter: [2, 2, 2, 3], strides: [2, 2], pad: "same" },
  { x: [1, 9, 9, 1], filter: [1, 1, 1, 2], strides: [2, 2], pad: "valid" }, // a phase with no taps
  {
    x: [2, 11, 8, 4],
    filter: [3, 3, 4, 2],
    strides: [2, 2],
    pad: [[0, 0], [2, 1], [0, 2], [0, 0]],
  },
  { x: [1, 7, 9, 3], filter: [5, 3, 3, 2], strides: [1, 1], pad: [[0, 0], [0, 3], [1, 0], [0, 0]] },
];

/** Host inputs of a case: `dy` of the forward output's shape, and the filter. */
function caseInputs(c: InputGradCase, seed: number): [HostTensor, HostTensor] {
  const format = c.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast";
  const info = tf.backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    1,
    c.pad,
    undefined,
    false,
    format,
  );
  return [seeded(info.outShape, seed), seeded(c.filter, seed + 1)];
}

/** Runs `Conv2DBackpropInput` for each case on the active backend; reads the results back. */
async function inputGradients(cases: readonly InputGradCase[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const [i, c] of cases.entries()) {
    const [dy, filter] = caseInputs(c, 7 * i + 1).map(toTensor);
    const dx = tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
      inputShape: c.x,
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? "NHWC",
    }) as tf.Tensor;
    out.push(await dx.data() as Float32Array);
    tf.dispose([dy, filter, dx]);
  }
  return out;
}

/** Asserts each case's result matches the cpu reference to the parity tolerance. */
function assertAllClose(
  cases: readonly InputGradCase[],
  actual: Float32Array[],
  ref: Float32Array[],
) {
  cases.forEach((c, i) => {
    const error = relativeError(actual[i], ref[i]);
    const label = `x ${c.x}, filter ${c.filter}, strides ${c.strides}, pad ${
      JSON.stringify(c.pad)
    }`;
    assert.ok(error <= PARITY_TOLERANCE, `${label}: off by ${error} relative`);
  });
}

Deno.test("inputGradAxis plans stride 1 and stride 2 axes", () => {
  assert.deepEqual(inputGradAxis(5, 5, 1, 3, 1), {
    stride: 1,
    taps: 3,
    before: 1,
    after: 1,
    rows: 5,
    offset: 0,
  });
  // 8 → 4 with 3 taps, "same": 1 row of padding in total, all after.
  assert.deepEqual(inputGradAxis(8, 4, 2, 3, 0), {
    stride: 2,
    taps: 2,
    before: 1,
    after: 0,
    rows: 4,
    offset: 0,
  });
  // Padding before that is not a multiple of the stride shifts dx within the phases.
  assert.equal(inputGradAxis(7, 4, 2, 4, 1).offset, 1);
});

Deno.test("subPixelFilter flips taps, swaps channels and splits phases", () => {
  const flip = inputGradAxis(3, 3, 1, 3, 1);
  const one = inputGradAxis(1, 1, 1, 1, 0);
  assert.deepEqual([...subPixelFilter(new Float32Array([1, 2, 3]), [3, 1, 1, 1], flip, one)], [
    3,
    2,
    1,
  ]);
  const half = inputGradAxis(4, 2, 2, 2, 0);
  // W[i, j] → phase (i, j) of a 2×2 stride-2 filter: one tap, four phase channels.
  assert.deepEqual([...subPixelFilter(new Float32Array([1, 2, 3, 4]), [2, 2, 1, 1], half, half)], [
    1,
    2,
    3,
    4,
  ]);
  // Two input and two output channels: [co][phase·ci + ci] ← W[…, ci, co].
  const w = new Float32Array([1, 2, 3, 4]); // [1, 1, ci = 2, co = 2]
  assert.deepEqual([...subPixelFilter(w, [1, 1, 2, 2], one, one)], [1, 3, 2, 4]);
});

Deno.test("faster wasm Conv2DBackpropInput matches cpu on random shapes", async () => {
  const cases = [...randomCases(32), ...EDGE_CASES];
  const { actual, reference } = await againstCpu(startWasm, async () => {
    const before = tf.engine().backend.numDataIds();
    const grads = await inputGradients(cases);
    return { grads, leftBehind: tf.engine().backend.numDataIds() - before };
  });
  assert.ok(usesFasterKernel("Conv2DBackpropInput"), "the faster kernel is not registered");
  assertAllClose(cases, actual.grads, reference.grads);
  assert.equal(actual.leftBehind, 0, "buffers left behind by the kernel");
});

Deno.test("faster Conv2DBackpropInput leaves NCHW and unequal strides to stock", async () => {
  const cases: InputGradCase[] = [
    { x: [1, 9, 7, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: "same" },
    { x: [2, 3, 7, 5], filter: [3, 2, 3, 4], strides: [2, 2], pad: "valid", dataFormat: "NCHW" },
  ];
  const { actual, reference } = await againstCpu(startWasm, () => inputGradients(cases));
  assertAllClose(cases, actual, reference);
});

Deno.test("stock kernels can be restored and replaced again", async () => {
  await startWasm();
  const faster = Object.keys(WASM_FASTER_KERNELS);
  assert.deepEqual(restoreStockWasmKernels(), faster);
  assert.equal(usesFasterKernel("Conv2DBackpropInput"), false);
  assert.deepEqual(restoreStockWasmKernels(), []);
  assert.deepEqual(registerWasmTrainingKernels({ faster: false }), []);
  assert.deepEqual(registerWasmTrainingKernels(), faster);
  assert.ok(faster.every(usesFasterKernel));
});

Deno.test("training with the faster kernels follows the stock kernels' loss curve", async () => {
  await startWasm();
  restoreStockWasmKernels();
  const stock = await trainParityNet(5);
  registerWasmTrainingKernels();
  const faster = await trainParityNet(5);
  assertLossesClose(faster, stock, "faster vs stock wasm kernels");
});
