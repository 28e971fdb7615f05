/**
 * Stacking image and prior channels into network inputs, and label tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import type { PreparedSlices } from "./prepared.ts";

/** Per-slice prior maps by prior name, aligned with a {@linkcode PreparedSlices}. */
export type PriorMaps = ReadonlyMap<string, Float32Array>;

/** Interleaves channels into `[N, S, S, C]` values (NHWC). */
export function stackChannels(
  prepared: PreparedSlices,
  channels: readonly string[],
  priors: PriorMaps,
): Float32Array {
  const sources = channels.map((name) => {
    const source = name === IMAGE_CHANNEL ? prepared.images : priors.get(name);
    if (!source) throw new Error(`prior "${name}" was not computed`);
    return source;
  });
  const pixels = prepared.count * prepared.size * prepared.size;
  const out = new Float32Array(pixels * channels.length);
  for (let c = 0; c < sources.length; c++) {
    const source = sources[c];
    for (let i = 0; i < pixels; i++) out[i * channels.length + c] = source[i];
  }
  return out;
}

/** The network input tensor for the given channels. */
export function inputTensor(
  prepared: PreparedSlices,
  channels: readonly string[],
  priors: PriorMaps,
): tf.Tensor4D {
  const { count, size } = prepared;
  return tf.tensor4d(stackChannels(prepared, channels, priors), [
    count,
    size,
    size,
    channels.length,
  ]);
}

/** Label maps as an int32 tensor `[N, S, S]`. */
export function labelTensor(prepared: PreparedSlices): tf.Tensor3D {
  return tf.tensor3d(Int32Array.from(prepared.labels), [
    prepared.count,
    prepared.size,
    prepared.size,
  ], "int32");
}
