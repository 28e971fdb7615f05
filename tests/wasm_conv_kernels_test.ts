import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { geometryOf, useWinograd } from "../plugins/backend/wasm/conv_kernels.ts";
import { winogradApplies } from "../plugins/backend/wasm/conv_winograd.ts";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import { oneHotTargets, segmentationLoss } from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import {
  registerWasmTrainingKernels,
  restoreStockWasmKernels,
  usesFasterKernel,
} from "../plugins/backend/wasm/kernels.ts";
import {
  againstCpu,
  type HostTensor,
  PARITY_TOLERANCE,
  relativeError,
  seeded,
  testContext,
  toTensor,
} from "./backend_parity.ts";

const startWasm = () => wasmBackendPlugin.create({}, testContext());

/** One conv2d: input and filter shapes, stride, padding. */
interface ConvCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: number;
  readonly pad: "same" | "valid";
}

/** Uniform integers in `[low, high]` from a 32-bit LCG (same cases on every run). */
function lcg(seed: number) {
  let state = seed >>> 0;
  return (low: number, high: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return low + Math.floor((state / 2 ** 32) * (high - low + 1));
  };
}

/** Odd sizes, 1–4 input channels, 1–4 taps, strides 1 and 2, same and valid. */
function smallCases(count: number, seed: number): ConvCase[] {
  const pick = lcg(seed);
  return Array.from({ length: count }, (_, i): ConvCase => {
    const [fh, fw] = [pick(1, 4), pick(1, 4)];
    const ci = pick(1, 4);
    return {
      x: [pick(1, 2), 2 * pick(2, 6) + 1, 2 * pick(2, 6) + 1, ci],
      filter: [fh, fw, ci, pick(1, 11)],
      stride: (i % 2) + 1,
      pad: i % 4 < 2 ? "same" : "valid",
    };
  });
}

/** 3×3, stride 1, channels in multiples of 4 (Winograd's cases), odd and even sizes. */
function winogradCases(count: number, seed: number): ConvCase[] {
  const pick = lcg(seed);
  return Array.from({ length: count }, (_, i): ConvCase => {
    const ci = 4 * pick(2, 6);
    return {
      x: [pick(1, 2), pick(3, 19), pick(3, 19), ci],
      filter: [3, 3, ci, 4 * pick(1, 6)],
      stride: 1,
      pad: i % 2 === 0 ? "same" : "valid",
    };
  });
}

function label(c: ConvCase): string {
  return `x ${c.x}, filter ${c.filter}, stride ${c.stride}, ${c.pad}`;
}

function outShape(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad).outShape;
}

/** The four conv kernels of a case, run on the active backend and read back. */
async function convKernels(c: ConvCase, seed: number): Promise<Float32Array[]> {
  const hosts: HostTensor[] = [
    seeded(c.x, seed),
    seeded(c.filter, seed + 1),
    seeded([c.filter[3]], seed + 2),
    seeded(outShape(c), seed + 3),
  ];
  const [x, filter, bias, dy] = hosts.map(toTensor);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: "NHWC", dilations: 1 };
  const run = (name: string, inputs: tf.NamedTensorMap, extra = {}) =>
    tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor;
  const outs = [
    run("Conv2D", { x, filter }),
    run("FusedConv2D", { x, filter, bias }, { activation: "relu" }),
    run("Conv2DBackpropInput", { dy, filter }, { inputShape: c.x }),
    run("Conv2DBackpropFilter", { x, dy }, { filterShape: c.filter }),
  ];
  const values = await Promise.all(outs.map(async (t) => await t.data() as Float32Array));
  tf.dispose([x, filter, bias, dy, ...outs]);
  return values;
}

const KERNELS = ["Conv2D", "FusedConv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"];

/** Runs every case on cpu and wasm; asserts each kernel matches to the parity tolerance. */
async function assertCasesMatchCpu(cases: readonly ConvCase[]): Promise<void> {
  const all = () => Promise.all(cases.map((c, i) => convKernels(c, 10 * i + 1)));
  const { actual, reference } = await againstCpu(startWasm, async () => {
    const before = tf.engine().backend.numDataIds();
    const results = await all();
    return { results, leftBehind: tf.engine().backend.numDataIds() - before };
  });
  for (const name of KERNELS) assert.ok(usesFasterKernel(name), `${name} is not replaced`);
  cases.forEach((c, i) => {
    KERNELS.forEach((kernel, k) => {
      const error = relativeError(actual.results[i][k], reference.results[i][k]);
      assert.ok(error <= PARITY_TOLERANCE, `${kernel}, ${label(c)}: off by ${error} relative`);
    });
  });
  assert.equal(actual.leftBehind, 0, "buffers left behind by the kernels");
}

Deno.test("generated conv kernels match cpu on small random shapes", async () => {
  await assertCasesMatchCpu(smallCases(24, 17));
});

Deno.test("Winograd conv kernels match cpu on 3×3 stride-1 shapes", async () => {
  const cases = winogradCases(12, 5);
  for (const c of cases) {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, c.pad);
    assert.ok(winogradApplies(geometryOf(info)), `${label(c)} should use Winograd`);
  }
  await assertCasesMatchCpu(cases);
});

Deno.test("direct conv kernels match cpu on Winograd's shapes too", async () => {
  const before = useWinograd(false);
  try {
    await assertCasesMatchCpu(winogradCases(6, 9));
  } finally {
    useWinograd(before);
  }
});

Deno.test("conv kernels free their scratch memory (the wasm heap stops growing)", async () => {
  await startWasm();
  const c: ConvCase = { x: [2, 33, 31, 16], filter: [3, 3, 16, 24], stride: 1, pad: "same" };
  const heapBytes = () =>
    (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
  await convKernels(c, 1);
  const settled = heapBytes();
  for (let i = 0; i < 5; i++) await convKernels(c, 1);
  assert.equal(heapBytes(), settled);
});

/** Adam losses of a small U-Net (convs 2→8 … 32→32, 3×3) trained on fixed data. */
async function unetLosses(steps: number): Promise<number[]> {
  const segmenter = unetPlugin.create(
    unetPlugin.options.parse({ depth: 2, filters: 8 }),
    testContext(),
  ) as SegmenterInstance;
  const model = segmenter.build({ inputShape: [20, 20, 2], numClasses: 4 });
  const x = toTensor(seeded([2, 20, 20, 2], 3)) as tf.Tensor4D;
  const labels = tf.tidy(() => tf.floor(tf.mul(tf.add(toTensor(seeded([2, 20, 20], 4)), 1), 2)));
  const target = tf.tidy(() => oneHotTargets(labels, 4)) as tf.Tensor4D;
  const loss = segmentationLoss("crossentropy+iou");
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(
      () => loss(applySegmenter(model, x, true), target),
      true,
    )!;
    losses.push((await cost.data())[0]);
    cost.dispose();
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, labels, target]);
  return losses;
}

Deno.test("a U-Net trained with the generated kernels follows the stock kernels' losses", async () => {
  await startWasm();
  restoreStockWasmKernels();
  const stock = await unetLosses(6);
  registerWasmTrainingKernels();
  const faster = await unetLosses(6);
  const error = relativeError(faster, stock);
  assert.ok(error <= PARITY_TOLERANCE, `losses ${faster} vs stock ${stock}: off by ${error}`);
  assert.ok(stock.at(-1)! < stock[0], `stock losses do not fall: ${stock}`);
});
