/**
 * Shared by the model-plugin tests (not a test itself): activating each backend present,
 * a fixed tiny learnable batch, and a few training steps through `fit` whose losses must
 * fall (an overfit test) without leaking tensors.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { findWebGpuAdapter } from "../plugins/backend/webgpu/adapter.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { type BatchLoss, fit, type TensorDataset } from "../core/training/fit.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { webgpuBackendPlugin } from "../plugins/backend/webgpu.ts";
import { testContext } from "./backend_parity.ts";

/** Backends the tests run on: `cpu` and `wasm`, and `webgpu` when an adapter exists. */
export async function presentBackends(): Promise<string[]> {
  const gpu = await findWebGpuAdapter();
  if (!gpu) console.log("webgpu: NOT RUN, no WebGPU adapter on this machine");
  return gpu ? ["cpu", "wasm", "webgpu"] : ["cpu", "wasm"];
}

/** Makes `name` the active backend through its plugin (webgpu with camprior's kernels). */
export async function useBackend(name: string): Promise<void> {
  const ctx = testContext();
  if (name === "webgpu") await webgpuBackendPlugin.create({ kernels: "custom" }, ctx);
  else await (name === "wasm" ? wasmBackendPlugin : cpuBackendPlugin).create({}, ctx);
  assert.equal(tf.getBackend(), name);
}

/** Deterministic values in [0, 1) (a sine hash), the same on every backend. */
export function pattern(count: number, offset: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => {
    const v = Math.sin((i + offset) * 12.9898) * 43758.5453;
    return v - Math.floor(v);
  });
}

/** `count` images `size`×`size`×`channels` whose class is given by the brightest quadrant. */
export function quadrantBatch(count: number, size: number, channels: number, classes: number) {
  const images = pattern(count * size * size * channels, 7).map((v) => v * 0.2);
  const half = size / 2;
  const labels = Array.from({ length: count }, (_, n) => n % classes);
  labels.forEach((label, n) => {
    const [qy, qx] = [Math.floor((label % 4) / 2), label % 2];
    for (let y = qy * half; y < (qy + 1) * half; y++) {
      for (let x = qx * half; x < (qx + 1) * half; x++) {
        images[((n * size + y) * size + x) * channels] += 0.8;
      }
    }
  });
  return { images, labels };
}

/** Trains `model` for `steps` full-batch epochs and returns the losses; no tensors leak. */
export async function overfit(
  build: () => tfl.LayersModel,
  data: () => TensorDataset,
  loss: BatchLoss,
  steps: number,
  learningRate = 0.01,
): Promise<number[]> {
  const before = tf.memory().numTensors;
  const model = build();
  const set = data();
  try {
    const result = await fit(model, set, undefined, {
      settings: trainingSchema.parse({
        epochs: steps,
        batchSize: set.inputs.shape[0],
        learningRate,
      }),
      loss,
      seed: 3,
      signal: new AbortController().signal,
      label: "overfit",
    });
    return result.history.map((h) => h.loss);
  } finally {
    tf.dispose([set.inputs, set.targets]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  }
}

/** Asserts the last loss is below the first by at least `fraction`. */
export function assertDecreasing(losses: readonly number[], fraction = 0.05, what = ""): void {
  const [first, last] = [losses[0], losses[losses.length - 1]];
  assert.ok(
    last < first * (1 - fraction),
    `${what} loss did not fall: ${losses.map((l) => l.toFixed(4)).join(" → ")}`,
  );
}

/** Reads a tensor to the host (async: `dataSync` fails on webgpu under Deno). */
export async function hostValues(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}
