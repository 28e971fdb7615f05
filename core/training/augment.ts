/**
 * Seeded data augmentation on the device: random flips, small rotations and shifts, and
 * intensity jitter. One affine warp per image moves the image (bilinear) and its label map
 * (nearest neighbour) identically; pixels moved in from outside are 0 (background).
 * The random draws happen on the host from a seed, so a seed gives the same batch on
 * every run, and nothing is read back from the device.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { type Random, seededRandom } from "../util/random.ts";
import { boundedNumber } from "../util/zod_format.ts";
import type { BatchAugmenter } from "./fit.ts";

/** The `augment` field of the training settings; everything off by default. */
export const augmentSchema = z.strictObject({
  flipHorizontal: z.boolean().default(false)
    .describe("mirror left–right with probability ½"),
  flipVertical: z.boolean().default(false)
    .describe("mirror top–bottom with probability ½"),
  rotation: boundedNumber(0, 180).default(0)
    .describe("largest rotation in degrees; each image turns by a uniform angle in ±rotation"),
  shift: boundedNumber(0, 0.5).default(0)
    .describe("largest shift per axis as a fraction of the image side"),
  intensity: boundedNumber(0, 1).default(0)
    .describe("intensity jitter: contrast × (1 ± intensity), brightness ± intensity / 2"),
});

/** Augmentation settings with defaults filled. */
export type AugmentSettings = z.output<typeof augmentSchema>;

/** A batch to augment: images `[N, H, W, C]` and, for segmentation, labels `[N, H, W]`. */
export interface AugmentBatch {
  readonly images: tf.Tensor4D;
  readonly labels?: tf.Tensor3D;
}

/** Whether the settings move pixels. */
function isGeometric(s: AugmentSettings): boolean {
  return s.flipHorizontal || s.flipVertical || s.rotation > 0 || s.shift > 0;
}

/** Whether the settings change anything at all. */
export function isAugmenting(s: AugmentSettings): boolean {
  return isGeometric(s) || s.intensity > 0;
}

const symmetric = (random: Random, range: number) => (random() * 2 - 1) * range;

/**
 * Rows `[a0, a1, a2, b0, b1, b2, 0, 0]` of `tf.image.transform` for each image: output
 * pixel `p` reads input `F·R·(p − c − d) + c`, with `F` the flips, `R` the rotation,
 * `c` the image centre and `d` the shift.
 */
export function warpMatrices(
  s: AugmentSettings,
  count: number,
  height: number,
  width: number,
  random: Random,
): Float32Array {
  const out = new Float32Array(count * 8);
  const [cx, cy] = [(width - 1) / 2, (height - 1) / 2];
  for (let i = 0; i < count; i++) {
    const fx = s.flipHorizontal && random() < 0.5 ? -1 : 1;
    const fy = s.flipVertical && random() < 0.5 ? -1 : 1;
    const angle = (symmetric(random, s.rotation) * Math.PI) / 180;
    const [dx, dy] = [symmetric(random, s.shift) * width, symmetric(random, s.shift) * height];
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    const m = [fx * cos, fx * sin, -fy * sin, fy * cos];
    const [px, py] = [cx + dx, cy + dy];
    out.set(
      [m[0], m[1], cx - m[0] * px - m[1] * py, m[2], m[3], cy - m[2] * px - m[3] * py],
      i * 8,
    );
  }
  return out;
}

/** Per-image contrast and brightness on the channels flagged in `channels`. */
function jitter(
  images: tf.Tensor4D,
  amount: number,
  random: Random,
  channels: readonly boolean[],
): tf.Tensor4D {
  const [count, , , depth] = images.shape;
  const scale = new Float32Array(count * depth).fill(1);
  const offset = new Float32Array(count * depth);
  for (let i = 0; i < count; i++) {
    const [s, o] = [1 + symmetric(random, amount), symmetric(random, amount / 2)];
    for (let c = 0; c < depth; c++) {
      if (channels[c] ?? true) [scale[i * depth + c], offset[i * depth + c]] = [s, o];
    }
  }
  const shape: [number, number, number, number] = [count, 1, 1, depth];
  return tf.add(tf.mul(images, tf.tensor4d(scale, shape)), tf.tensor4d(offset, shape));
}

/**
 * A new augmented batch (the caller disposes it and its input). `jitterChannels[c]`
 * says whether channel `c` gets intensity jitter (default: all; priors may opt out).
 */
export function augmentBatch(
  batch: AugmentBatch,
  settings: AugmentSettings,
  seed: number,
  jitterChannels: readonly boolean[] = [],
): { images: tf.Tensor4D; labels?: tf.Tensor3D } {
  return tf.tidy(() => {
    const random = seededRandom(seed);
    const [count, height, width] = batch.images.shape;
    let images = tf.clone(batch.images);
    let labels = batch.labels ? tf.clone(batch.labels) : undefined;
    if (isGeometric(settings)) {
      const m = tf.tensor2d(warpMatrices(settings, count, height, width, random), [count, 8]);
      images = tf.image.transform(images, m, "bilinear", "constant", 0);
      if (labels) {
        const asImage = tf.expandDims(tf.cast(labels, "float32"), -1) as tf.Tensor4D;
        const warped = tf.image.transform(asImage, m, "nearest", "constant", 0);
        labels = tf.cast(tf.squeeze(warped, [3]), "int32") as tf.Tensor3D;
      }
    }
    if (settings.intensity > 0) images = jitter(images, settings.intensity, random, jitterChannels);
    return labels ? { images, labels } : { images };
  });
}

/**
 * A {@linkcode BatchAugmenter} for `fit`: classification moves the images only,
 * segmentation the images and their label maps; undefined when nothing would change.
 */
export function batchAugmenter(
  settings: AugmentSettings,
  task: "classification" | "segmentation",
  jitterChannels: readonly boolean[] = [],
): BatchAugmenter | undefined {
  if (!isAugmenting(settings)) return undefined;
  return (batch, seed) => {
    const labels = task === "segmentation" ? batch.targets as tf.Tensor3D : undefined;
    const out = augmentBatch({ images: batch.inputs, labels }, settings, seed, jitterChannels);
    return { inputs: out.images, targets: out.labels ?? tf.clone(batch.targets) };
  };
}
