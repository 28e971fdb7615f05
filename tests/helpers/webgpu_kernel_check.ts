/**
 * Shared by the tests of the custom WebGPU kernels (`plugins/backend/webgpu/`): starting
 * webgpu with the custom kernels (or saying NOT RUN when this machine has no adapter),
 * seeded random convolution cases, and running the same computation on webgpu and on the
 * `cpu` reference from plain host data.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { findWebGpuAdapter } from "../../plugins/backend/webgpu/adapter.ts";
import { kernelCounts } from "../../plugins/backend/webgpu/kernel_swap.ts";
import { webgpuBackendPlugin } from "../../plugins/backend/webgpu.ts";
import { cpuBackendPlugin } from "../../plugins/backend/cpu.ts";
import { type HostTensor, relativeError, seeded, testContext } from "../backend_parity.ts";

/** Largest error allowed against `cpu`, relative to the largest magnitude of the reference. */
export const KERNEL_TOLERANCE = 1e-4;

/**
 * Starts webgpu with the custom kernels and returns true; when there is no adapter,
 * prints `<label>: NOT RUN` with the reason and returns false.
 */
export async function startCustomWebGpu(label: string): Promise<boolean> {
  const adapter = await findWebGpuAdapter();
  if (!adapter) {
    console.log(
      `${label}: NOT RUN, this machine has no WebGPU adapter (navigator.gpu.requestAdapter() ` +
        "gave none); install mesa-vulkan-drivers for llvmpipe to run it",
    );
    return false;
  }
  await cpuBackendPlugin.create({}, testContext());
  await webgpuBackendPlugin.create({ kernels: "custom" }, testContext());
  return true;
}

/** Runs `compute` on backend `name` (tensors made inside it), reads every output, frees all. */
export async function readOn(
  name: "webgpu" | "cpu",
  compute: () => tf.Tensor[],
): Promise<Float32Array[]> {
  assert.ok(await tf.setBackend(name), `backend ${name} did not start`);
  const outputs = tf.tidy(compute);
  try {
    return await Promise.all(outputs.map(async (t) => await t.data() as Float32Array));
  } finally {
    tf.dispose(outputs);
  }
}

/**
 * Runs `compute` on webgpu and cpu and asserts each output agrees to
 * {@linkcode KERNEL_TOLERANCE}; returns the worst relative error.
 */
export async function assertMatchesCpu(label: string, compute: () => tf.Tensor[]): Promise<number> {
  const actual = await readOn("webgpu", compute);
  const expected = await readOn("cpu", compute);
  let worst = 0;
  expected.forEach((reference, i) => {
    const error = relativeError(actual[i], reference);
    assert.ok(error <= KERNEL_TOLERANCE, `${label}: output ${i} off by ${error} relative`);
    worst = Math.max(worst, error);
  });
  await tf.setBackend("webgpu");
  return worst;
}

/** A convolution to test: input, filter, stride and padding. */
export interface ConvCase {
  readonly x: readonly [number, number, number, number];
  readonly filter: readonly [number, number, number, number];
  readonly stride: 1 | 2;
  readonly pad: "same" | "valid";
}

/** `conv 2x9x11x3 * 3x3x3x5 s2 same`. */
export function describeCase(c: ConvCase): string {
  return `conv ${c.x.join("x")} * ${c.filter.join("x")} s${c.stride} ${c.pad}`;
}

/** A seeded integer generator in `[lo, hi]`. */
function integers(seed: number): (lo: number, hi: number) => number {
  let state = (seed * 2654435761) >>> 0;
  return (lo, hi) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + Math.floor((state / 2 ** 32) * (hi - lo + 1));
  };
}

/**
 * Random convolutions, each of the 8 combinations of stride (1, 2), padding (same,
 * valid) and channels (1–4, 16–64) once, then `extra` more: odd spatial sizes 5–15,
 * batch 1–3, filters 1×1 to 5×5 (non-square too), small enough for llvmpipe.
 */
export function convCases(seed: number, extra = 2): ConvCase[] {
  const next = integers(seed);
  const sizes = [1, 2, 3, 3, 3, 5];
  const make = (stride: 1 | 2, pad: "same" | "valid", wide: boolean): ConvCase => {
    const kh = sizes[next(0, sizes.length - 1)];
    const kw = next(0, 2) === 0 ? sizes[next(0, sizes.length - 1)] : kh;
    const channels = () => (wide ? next(16, 64) : next(1, 4));
    const [ci, co] = [channels(), channels()];
    const odd = () => next(2, 7) * 2 + 1;
    return {
      x: [next(1, 3), Math.max(odd(), kh), Math.max(odd(), kw), ci],
      filter: [kh, kw, ci, co],
      stride,
      pad,
    };
  };
  const combos = ([1, 2] as const).flatMap((stride) =>
    (["same", "valid"] as const).flatMap((pad) =>
      [false, true].map((wide) => make(stride, pad, wide))
    )
  );
  const more = Array.from(
    { length: extra },
    () => make(next(1, 2) as 1 | 2, next(0, 1) ? "same" : "valid", next(0, 1) === 1),
  );
  return [...combos, ...more];
}

/** Seeded values of `shape` as a host tensor (uniform in [−1, 1)). */
export function hostData(shape: readonly number[], seed: number): HostTensor {
  return seeded(shape, seed);
}

/** How many times the custom and the stock kernel ran so far. */
export function countsOf(kernelName: string): { custom: number; stock: number } {
  const { custom, stock } = kernelCounts("webgpu", kernelName);
  return { custom, stock };
}
