/**
 * Seeded data augmentation on the device: random flips, small rotations and shifts
 * ("weak" in semi-supervised terms), and intensity jitter, gamma, blur, noise and cutout
 * ("strong", see `photometric.ts`). One affine warp per image moves the image (bilinear)
 * and its label map (nearest neighbour) identically; pixels moved in from outside are 0
 * (background). Photometric changes act on image channels only.
 * The random draws happen on the host from a seed, so a seed gives the same batch on
 * every run, and nothing is read back from the device.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { deriveSeed, type Random, seededRandom } from "../util/random.ts";
import { boundedNumber } from "../util/zod_format.ts";
import type { BatchAugmenter } from "./fit.ts";
import {
  cutout,
  gaussianNoise,
  jitter,
  randomBlur,
  randomGamma,
  symmetric,
} from "./photometric.ts";

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
  gamma: boundedNumber(0, 2).default(0)
    .describe("gamma correction x^γ, ln γ uniform in ±gamma (strong augmentation)"),
  blur: boundedNumber(0, 8).default(0)
    .describe(
      "Gaussian blur with probability ½, σ uniform in [0.1, blur] pixels (strong augmentation)",
    ),
  noise: boundedNumber(0, 1).default(0)
    .describe("standard deviation of additive Gaussian noise (strong augmentation)"),
  cutout: boundedNumber(0, 1).default(0)
    .describe(
      "cutout: one box per image set to 0, side up to this fraction of the image side (strong augmentation)",
    ),
});

/** Augmentation settings with defaults filled. */
export type AugmentSettings = z.output<typeof augmentSchema>;

/** A batch to augment: images `[N, H, W, C]` and, for segmentation, labels `[N, H, W]`. */
export interface AugmentBatch {
  readonly images: tf.Tensor4D;
  readonly labels?: tf.Tensor3D;
}

/** Whether the settings move pixels (flips, rotation, shift). */
export function isGeometric(s: AugmentSettings): boolean {
  return s.flipHorizontal || s.flipVertical || s.rotation > 0 || s.shift > 0;
}

/** Whether the settings change intensities (and leave pixels where they are). */
export function isPhotometric(s: AugmentSettings): boolean {
  return s.intensity > 0 || s.gamma > 0 || s.blur > 0 || s.noise > 0 || s.cutout > 0;
}

/** Whether the settings change anything at all. */
export function isAugmenting(s: AugmentSettings): boolean {
  return isGeometric(s) || isPhotometric(s);
}

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

/** Gamma, jitter, blur, noise and cutout, in this order, where the settings ask for them. */
function photometric(
  images: tf.Tensor4D,
  s: AugmentSettings,
  random: Random,
  seed: number,
  channels: readonly boolean[],
): tf.Tensor4D {
  let out = images;
  if (s.gamma > 0) out = randomGamma(out, s.gamma, random, channels);
  if (s.intensity > 0) out = jitter(out, s.intensity, random, channels);
  if (s.blur > 0) out = randomBlur(out, s.blur, random, channels);
  if (s.noise > 0) out = gaussianNoise(out, s.noise, deriveSeed(seed, "noise"), channels);
  if (s.cutout > 0) out = cutout(out, s.cutout, random, channels);
  return out;
}

/**
 * A new augmented batch (the caller disposes it and its input). `jitterChannels[c]`
 * says whether channel `c` gets the photometric changes (default: all; priors opt out).
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
    images = photometric(images, settings, random, seed, jitterChannels);
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
