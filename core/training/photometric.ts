/**
 * Photometric augmentations of MR slices, the "strong" half of semi-supervised training
 * (FixMatch, UniMatch): gamma, Gaussian blur, Gaussian noise and cutout, each on the
 * channels flagged as image channels (priors keep their values), and CutMix boxes. None
 * moves pixels, so a label map or pseudo-label stays aligned with the image. Random draws
 * happen on the host from a seeded generator (noise from a seed), so a seed gives the same
 * batch on every run.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Random } from "../util/random.ts";

/** A uniform draw in ±`range`. */
export const symmetric = (random: Random, range: number) => (random() * 2 - 1) * range;

/** `[N, 1, 1, C]` per-image, per-channel values; unflagged channels get `neutral`. */
function perImage(
  count: number,
  channels: readonly boolean[],
  depth: number,
  neutral: number,
  draw: () => number,
): tf.Tensor4D {
  const values = new Float32Array(count * depth).fill(neutral);
  for (let i = 0; i < count; i++) {
    const value = draw();
    for (let c = 0; c < depth; c++) if (channels[c] ?? true) values[i * depth + c] = value;
  }
  return tf.tensor4d(values, [count, 1, 1, depth]);
}

/** Per-image contrast and brightness on the channels flagged in `channels`. */
export function jitter(
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
 * Gamma correction `x^γ` per image with `ln γ` uniform in ±`amount` (intensities below 0
 * are clipped to 0 first, as the power of a negative number is undefined).
 */
export function randomGamma(
  images: tf.Tensor4D,
  amount: number,
  random: Random,
  channels: readonly boolean[],
): tf.Tensor4D {
  const [count, , , depth] = images.shape;
  const gamma = perImage(count, channels, depth, 1, () => Math.exp(symmetric(random, amount)));
  return tf.pow(tf.relu(images), gamma);
}

/** A normalised 1-D Gaussian of `2 * radius + 1` taps; `sigma` 0 gives a unit impulse. */
export function gaussianTaps(sigma: number, radius: number): Float32Array {
  const taps = new Float32Array(2 * radius + 1);
  if (sigma <= 0) {
    taps[radius] = 1;
    return taps;
  }
  for (let k = -radius; k <= radius; k++) taps[k + radius] = Math.exp(-(k * k) / (2 * sigma ** 2));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

/**
 * Gaussian blur with probability ½ per image, `σ` uniform in [0.1, `maxSigma`] pixels
 * (zero padding). Every image gets its own kernel in one separable depthwise convolution:
 * the batch is folded into the channel axis.
 */
export function randomBlur(
  images: tf.Tensor4D,
  maxSigma: number,
  random: Random,
  channels: readonly boolean[],
): tf.Tensor4D {
  const [count, height, width, depth] = images.shape;
  const radius = Math.max(1, Math.ceil(2 * maxSigma));
  const size = 2 * radius + 1;
  const kernel = new Float32Array(size * count * depth);
  for (let i = 0; i < count; i++) {
    const sigma = random() < 0.5 ? 0.1 + random() * Math.max(0, maxSigma - 0.1) : 0;
    for (let c = 0; c < depth; c++) {
      const taps = gaussianTaps((channels[c] ?? true) ? sigma : 0, radius);
      taps.forEach((t, k) => kernel[k * count * depth + i * depth + c] = t);
    }
  }
  return tf.tidy(() => {
    const folded = tf.reshape(
      tf.transpose(images, [1, 2, 0, 3]),
      [1, height, width, count * depth],
    ) as tf.Tensor4D;
    const vertical = tf.tensor4d(kernel, [size, 1, count * depth, 1]);
    const horizontal = tf.reshape(vertical, [1, size, count * depth, 1]) as tf.Tensor4D;
    const blurred = tf.depthwiseConv2d(
      tf.depthwiseConv2d(folded, vertical, 1, "same"),
      horizontal,
      1,
      "same",
    );
    return tf.transpose(tf.reshape(blurred, [height, width, count, depth]), [2, 0, 1, 3]);
  });
}

/** Adds Gaussian noise of standard deviation `sigma` to the flagged channels. */
export function gaussianNoise(
  images: tf.Tensor4D,
  sigma: number,
  seed: number,
  channels: readonly boolean[],
): tf.Tensor4D {
  const depth = images.shape[3];
  const flags = tf.tensor4d(
    Array.from({ length: depth }, (_, c) => (channels[c] ?? true) ? 1 : 0),
    [1, 1, 1, depth],
  );
  const noise = tf.randomNormal(images.shape, 0, sigma, "float32", seed);
  return tf.add(images, tf.mul(noise, flags));
}

/** An axis-aligned box in pixels: rows `[top, bottom)`, columns `[left, right)`. */
export interface Box {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/**
 * A random box of `height × width` pixels whose area is a uniform fraction in
 * [`minArea`, `maxArea`] of the image and whose aspect ratio is in [0.3, 1/0.3]
 * (UniMatch's CutMix box), clipped to the image.
 */
export function randomBox(
  height: number,
  width: number,
  minArea: number,
  maxArea: number,
  random: Random,
): Box {
  const area = (minArea + random() * (maxArea - minArea)) * height * width;
  const ratio = Math.exp(Math.log(0.3) + random() * 2 * Math.log(1 / 0.3));
  const h = Math.min(height, Math.max(1, Math.round(Math.sqrt(area * ratio))));
  const w = Math.min(width, Math.max(1, Math.round(Math.sqrt(area / ratio))));
  const top = Math.floor(random() * (height - h + 1));
  const left = Math.floor(random() * (width - w + 1));
  return { top, left, bottom: top + h, right: left + w };
}

/** `[N, H, W]` masks, 1 inside each image's box (none where the box is undefined). */
export function boxMasks(
  boxes: readonly (Box | undefined)[],
  height: number,
  width: number,
): tf.Tensor3D {
  const mask = new Float32Array(boxes.length * height * width);
  boxes.forEach((box, i) => {
    if (!box) return;
    for (let y = box.top; y < box.bottom; y++) {
      mask.fill(1, (i * height + y) * width + box.left, (i * height + y) * width + box.right);
    }
  });
  return tf.tensor3d(mask, [boxes.length, height, width]);
}

/** Sets the flagged channels to 0 inside one random box per image (side up to `maxSide`). */
export function cutout(
  images: tf.Tensor4D,
  maxSide: number,
  random: Random,
  channels: readonly boolean[],
): tf.Tensor4D {
  const [count, height, width, depth] = images.shape;
  const boxes = Array.from({ length: count }, () => {
    const side = random() * maxSide;
    return randomBox(height, width, side * side, side * side, random);
  });
  return tf.tidy(() => {
    const inside = tf.expandDims(boxMasks(boxes, height, width), -1);
    const flags = tf.tensor4d(
      Array.from({ length: depth }, (_, c) => (channels[c] ?? true) ? 1 : 0),
      [1, 1, 1, depth],
    );
    return tf.mul(images, tf.sub(1, tf.mul(inside, flags)));
  });
}

/**
 * CutMix within a batch (Yun et al., ICCV 2019, as used by UniMatch): with probability
 * `probability`, image `i` takes a random box (area 2–40%) from image `i + 1` (mod N).
 * Returns the `[N, H, W]` box masks; apply them to images, pseudo-labels and confidences
 * alike with {@linkcode mixIn}.
 */
export function cutMixMasks(
  count: number,
  height: number,
  width: number,
  probability: number,
  random: Random,
): tf.Tensor3D {
  const boxes = Array.from(
    { length: count },
    () => random() < probability ? randomBox(height, width, 0.02, 0.4, random) : undefined,
  );
  return boxMasks(boxes, height, width);
}

/**
 * `x` with each row's box (mask 1) taken from the next row (mod N). `x` is `[N, H, W]` or
 * `[N, H, W, C]`; `masks` is `[N, H, W]`.
 */
export function mixIn<T extends tf.Tensor>(x: T, masks: tf.Tensor3D): T {
  return tf.tidy(() => {
    const count = x.shape[0];
    const next = count > 1
      ? tf.concat([tf.slice(x, 1, count - 1), tf.slice(x, 0, 1)], 0)
      : tf.clone(x);
    const mask = x.rank === 4 ? tf.expandDims(masks, -1) : masks;
    return tf.where(tf.broadcastTo(tf.cast(mask, "bool"), x.shape), next, x) as T;
  });
}
