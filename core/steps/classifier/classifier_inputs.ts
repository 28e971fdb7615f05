/**
 * What the classifier sees of a slice:
 *
 * - `slice`: the slice alone (the paper);
 * - `ed-es`: the slice position at end-diastole and at end-systole as two channels, so
 *   contraction is visible: the slice itself first, its other phase second (so the free
 *   `phase` target stays learnable: which channel is the contracted heart); a slice whose
 *   other phase is missing repeats itself;
 * - `neighbours`: slices k−1, k, k+1 of the same stack as three channels; at the ends of
 *   the stack the slice repeats itself.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { PreparedSlices, SliceMeta } from "../data/prepared.ts";

/** The classifier input modes. */
export const CLASSIFIER_INPUTS = ["slice", "ed-es", "neighbours"] as const;

/** One of {@linkcode CLASSIFIER_INPUTS}. */
export type ClassifierInput = typeof CLASSIFIER_INPUTS[number];

/** Channels of each input mode. */
export function inputChannelCount(input: ClassifierInput): number {
  return input === "slice" ? 1 : input === "ed-es" ? 2 : 3;
}

function key(m: Pick<SliceMeta, "patientId" | "phase">, phase: string, sliceIndex: number) {
  return `${m.patientId}\u0000${phase}\u0000${sliceIndex}`;
}

/** Index in the stack of each slice that makes up the channels of slice `i`. */
export function channelSources(meta: readonly SliceMeta[], input: ClassifierInput): number[][] {
  const index = new Map(meta.map((m, i) => [key(m, m.phase, m.sliceIndex), i]));
  const at = (m: SliceMeta, phase: string, sliceIndex: number, fallback: number) =>
    index.get(key(m, phase, sliceIndex)) ?? fallback;
  return meta.map((m, i) => {
    if (input === "slice") return [i];
    if (input === "ed-es") return [i, at(m, m.phase === "ED" ? "ES" : "ED", m.sliceIndex, i)];
    return [at(m, m.phase, m.sliceIndex - 1, i), i, at(m, m.phase, m.sliceIndex + 1, i)];
  });
}

/**
 * The classifier input of slices `which` (default: every slice) of the stack as
 * `[n, S, S, C]` values (NHWC); partner slices are looked up in the whole stack.
 */
export function classifierInputValues(
  prepared: PreparedSlices,
  input: ClassifierInput,
  which?: readonly number[],
): Float32Array {
  const pixels = prepared.size * prepared.size;
  const channels = inputChannelCount(input);
  const all = channelSources(prepared.meta, input);
  const rows = which ?? all.map((_, i) => i);
  const out = new Float32Array(rows.length * pixels * channels);
  rows.forEach((row, i) => {
    all[row].forEach((from, c) => {
      const src = prepared.images.subarray(from * pixels, (from + 1) * pixels);
      const base = i * pixels * channels + c;
      for (let p = 0; p < pixels; p++) out[base + p * channels] = src[p];
    });
  });
  return out;
}

/** {@linkcode classifierInputValues} as a tensor `[n, S, S, C]`; the caller disposes it. */
export function classifierInputTensor(
  prepared: PreparedSlices,
  input: ClassifierInput,
  which?: readonly number[],
): tf.Tensor4D {
  const values = classifierInputValues(prepared, input, which);
  const count = which?.length ?? prepared.count;
  return tf.tensor4d(values, [count, prepared.size, prepared.size, inputChannelCount(input)]);
}
