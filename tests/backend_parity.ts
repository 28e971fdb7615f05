/**
 * Shared by the backend tests (not a test itself): a small fixed conv net built from raw
 * tfjs ops, its loss and gradients on whatever backend is active, a few Adam steps with
 * `tf.memory()` recorded after each, and comparisons against the `cpu` reference.
 *
 * Every input is plain data made from a seed, so each backend builds its own tensors
 * after it has been activated (tfjs has one global engine).
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { memoryLogger } from "../core/util/logger.ts";
import type { PluginContext } from "../core/plugin/plugin.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";

/** Largest error allowed against `cpu`, relative to the largest magnitude of each tensor. */
export const PARITY_TOLERANCE = 1e-4;

/** A tensor as plain data, independent of any backend. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A value and the gradients w.r.t. each input, read back to the host. */
export interface GradientResult {
  readonly value: number;
  readonly grads: readonly Float32Array[];
}

/** A plugin context for tests: seed 1, messages kept in memory. */
export function testContext(): PluginContext & { log: ReturnType<typeof memoryLogger> } {
  return {
    seed: 1,
    workDir: Deno.cwd(),
    log: memoryLogger(),
    signal: new AbortController().signal,
  };
}

/** `size(shape)` values uniform in `[-scale, scale)` from a 32-bit LCG; the same everywhere. */
export function seeded(shape: readonly number[], seed: number, scale = 1): HostTensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = (seed * 2654435761) >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return { shape, values };
}

/** Creates a tensor on the active backend. */
export function toTensor(host: HostTensor): tf.Tensor {
  return tf.tensor(host.values, [...host.shape], "float32");
}

/**
 * Evaluates the scalar `f(...inputs)` and its gradient w.r.t. every input on the active
 * backend, reads them back and frees every tensor it made. Reads are asynchronous:
 * `dataSync()` fails on webgpu under Deno (tfjs reads through a canvas there).
 */
export async function gradientValues(
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly HostTensor[],
): Promise<GradientResult> {
  const tensors = inputs.map(toTensor);
  const { value, grads } = tf.valueAndGrads(f)(tensors);
  try {
    return { value: await scalarOf(value), grads: await Promise.all(grads.map(floatsOf)) };
  } finally {
    tf.dispose([...tensors, value, ...grads]);
  }
}

async function floatsOf(tensor: tf.Tensor): Promise<Float32Array> {
  return await tensor.data() as Float32Array;
}

async function scalarOf(tensor: tf.Tensor): Promise<number> {
  return (await tensor.data())[0];
}

/** Largest `|a − b|` over the largest `|b|` (the reference), 0 for an all-zero reference. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, "length mismatch");
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Asserts each gradient and the value match the reference; returns the worst error. */
export function assertGradientsClose(
  actual: GradientResult,
  expected: GradientResult,
  label: string,
  names: readonly string[] = expected.grads.map((_, i) => `input ${i}`),
): number {
  let worst = relativeError([actual.value], [expected.value]);
  assert.ok(worst <= PARITY_TOLERANCE, `${label}: value off by ${worst} relative`);
  expected.grads.forEach((reference, i) => {
    const error = relativeError(actual.grads[i], reference);
    assert.ok(error <= PARITY_TOLERANCE, `${label}: gradient of ${names[i]} off by ${error}`);
    worst = Math.max(worst, error);
  });
  return worst;
}

/** Names and shapes of the parity net's weights, in the order its loss takes them. */
export const PARITY_WEIGHTS: Readonly<Record<string, readonly number[]>> = {
  conv1: [3, 3, 2, 4], // 3×3, stride 1, same:  14×14 → 14×14
  bias1: [4],
  conv2: [3, 3, 4, 6], // 3×3, stride 2, valid: 14×14 → 6×6, then max-pool 2 → 3×3
  bias2: [6],
  conv3: [3, 3, 6, 8], // 3×3, stride 2, same:  3×3 → 2×2
  conv4: [2, 2, 8, 8], // 2×2, stride 1, valid: 2×2 → 1×1
  dense: [8, 3],
  denseBias: [3],
};

const INPUT_SHAPE = [3, 14, 14, 2] as const;
const LABELS = [0, 2, 1];

/** The fixed weights (scaled by 1/√fan-in), then the images and one-hot labels. */
export function parityInputs(): HostTensor[] {
  const weights = Object.values(PARITY_WEIGHTS).map((shape, i) => {
    const fanIn = shape.length === 1 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return seeded(shape, 101 + i, 1 / Math.sqrt(fanIn));
  });
  const oneHot = new Float32Array(LABELS.length * 3);
  LABELS.forEach((label, row) => oneHot[row * 3 + label] = 1);
  return [...weights, seeded(INPUT_SHAPE, 7), { shape: [LABELS.length, 3], values: oneHot }];
}

/**
 * Mean softmax cross-entropy of the parity net. Max-pooling comes before its ReLU, so
 * pooled windows hold distinct random values (no ties, which backends break differently);
 * class scores are picked with a one-hot product (`gather`'s gradient is missing on wasm).
 */
export function parityLoss(...tensors: tf.Tensor[]): tf.Scalar {
  const [conv1, bias1, conv2, bias2, conv3, conv4, dense, denseBias, images, oneHot] = tensors as [
    tf.Tensor4D,
    tf.Tensor,
    tf.Tensor4D,
    tf.Tensor,
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor2D,
    tf.Tensor,
    tf.Tensor4D,
    tf.Tensor2D,
  ];
  const h1 = tf.relu(tf.add(tf.conv2d(images, conv1, 1, "same"), bias1)) as tf.Tensor4D;
  const h2 = tf.add(tf.conv2d(h1, conv2, 2, "valid"), bias2) as tf.Tensor4D;
  const h3 = tf.relu(tf.maxPool(h2, 2, 2, "valid"));
  const h4 = tf.relu(tf.conv2d(h3, conv3, 2, "same"));
  const h5 = tf.reshape(tf.conv2d(h4, conv4, 1, "valid"), [LABELS.length, 8]);
  const logits = tf.add(tf.matMul(h5 as tf.Tensor2D, dense), denseBias);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
}

/** Loss and gradients w.r.t. every weight (not the images or labels) on the active backend. */
export function parityGradients(): Promise<GradientResult> {
  const [weights, data] = splitInputs(parityInputs());
  return gradientValues((...w) => parityLoss(...w, ...data.map(toTensor)), weights);
}

/** Splits {@linkcode parityInputs} into the weights and the data (images, labels). */
function splitInputs(inputs: HostTensor[]): [HostTensor[], HostTensor[]] {
  const count = Object.keys(PARITY_WEIGHTS).length;
  return [inputs.slice(0, count), inputs.slice(count)];
}

/** What {@linkcode trainParityNet} saw after each step. */
export interface TrainingTrace {
  readonly losses: number[];
  readonly numTensors: number[];
  readonly numBytes: number[];
  /** Buffers the backend holds, which also counts intermediates freed inside kernels. */
  readonly numDataIds: number[];
  /** Tensors left after everything was disposed, minus those alive before. */
  readonly leaked: number;
}

/** Trains the parity net's weights with Adam for `steps` steps on the active backend. */
export async function trainParityNet(steps: number): Promise<TrainingTrace> {
  const before = tf.memory().numTensors;
  const [weights, hostData] = splitInputs(parityInputs());
  const variables = weights.map((host) => tf.tidy(() => tf.variable(toTensor(host))));
  const data = hostData.map(toTensor);
  const optimizer = tf.train.adam(0.01);
  const trace: TrainingTrace = {
    losses: [],
    numTensors: [],
    numBytes: [],
    numDataIds: [],
    leaked: 0,
  };
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(() => parityLoss(...variables, ...data), true)!;
    trace.losses.push(await scalarOf(cost));
    cost.dispose();
    trace.numTensors.push(tf.memory().numTensors);
    trace.numBytes.push(tf.memory().numBytes);
    trace.numDataIds.push(tf.backend().numDataIds());
  }
  optimizer.dispose();
  tf.dispose([...variables, ...data]);
  return { ...trace, leaked: tf.memory().numTensors - before };
}

/** Asserts memory stayed flat after the first (warm-up) step and nothing leaked. */
export function assertMemoryStable(trace: TrainingTrace, label: string): void {
  const settled = (values: number[]) => values.slice(1).every((v) => v === values[1]);
  assert.ok(settled(trace.numTensors), `${label}: tensors per step ${trace.numTensors}`);
  assert.ok(settled(trace.numBytes), `${label}: bytes per step ${trace.numBytes}`);
  assert.ok(settled(trace.numDataIds), `${label}: backend buffers per step ${trace.numDataIds}`);
  assert.equal(trace.leaked, 0, `${label}: ${trace.leaked} tensors left after disposal`);
}

/** Asserts the Adam losses match the reference's step by step. */
export function assertLossesClose(actual: TrainingTrace, expected: TrainingTrace, label: string) {
  const error = relativeError(actual.losses, expected.losses);
  assert.ok(
    error <= PARITY_TOLERANCE,
    `${label}: Adam losses ${actual.losses} vs cpu ` +
      `${expected.losses} (off by ${error})`,
  );
}

/** What {@linkcode parityRun} returns. */
export interface ParityRun {
  readonly gradients: GradientResult;
  readonly training: TrainingTrace;
}

/** Gradients and a 4-step Adam trace of the parity net, computed on the active backend. */
export async function parityRun(): Promise<ParityRun> {
  return { gradients: await parityGradients(), training: await trainParityNet(4) };
}

/** Asserts a backend's {@linkcode parityRun} matches cpu's; returns the worst gradient error. */
export function assertParity(
  actual: ParityRun,
  reference: ParityRun,
  label: string,
): number {
  const worst = assertGradientsClose(
    actual.gradients,
    reference.gradients,
    label,
    Object.keys(PARITY_WEIGHTS),
  );
  assertMemoryStable(actual.training, label);
  assertLossesClose(actual.training, reference.training, label);
  return worst;
}

/**
 * Runs `compute` on `cpu`, then again after `activate` has started another backend.
 * `compute` must build its tensors itself, from plain data.
 */
export async function againstCpu<T>(
  activate: () => unknown,
  compute: () => T | Promise<T>,
): Promise<{ actual: T; reference: T }> {
  await cpuBackendPlugin.create({}, testContext());
  const reference = await compute();
  await activate();
  return { actual: await compute(), reference };
}
