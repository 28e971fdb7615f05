/**
 * `mode-filter` postprocess plugin: Pillow's `ImageFilter.ModeFilter(size)`, bit-exact, on the
 * 8-bit version of a map. The paper's post-processed CAM (CAM*) uses size 12.
 *
 * Pillow's semantics (`src/libImaging/ModeFilter.c`), reproduced exactly:
 * - the box is `(2·⌊size/2⌋ + 1)²` pixels centred on the pixel, so an even size gets the next
 *   odd box (size 12 → 13×13);
 * - at the border the box is clipped to the image (no padding, no mirroring);
 * - the most frequent value wins; on a tie in count the smallest value wins;
 * - if that value occurs at most twice (values seen once or twice are ignored), the original
 *   pixel is kept.
 *
 * Counts slide along each row (one column out, one in) and the mode is tracked in O(1) per
 * update with per-count bit sets, so the cost does not grow with the 256 grey levels.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Map2D } from "../../mod.ts";

/** Number of 32-bit words in a 256-bit set. */
const WORDS = 8;

/** Histogram of the values in the box that knows its mode (most frequent, smallest on ties). */
class SlidingMode {
  /** Occurrences of each value. */
  readonly #count = new Int32Array(256);
  /** For each count `c ≥ 1`, the set of values occurring exactly `c` times (256 bits). */
  readonly #withCount: Uint32Array;
  /** Number of values in each `#withCount` set. */
  readonly #setSize: Int32Array;
  /** Largest count of any value. */
  #maxCount = 0;

  constructor(maxPixels: number) {
    this.#withCount = new Uint32Array((maxPixels + 1) * WORDS);
    this.#setSize = new Int32Array(maxPixels + 1);
  }

  /** Adds one occurrence of `v`. */
  add(v: number): void {
    const c = this.#count[v];
    if (c > 0) this.#toggle(c, v);
    this.#count[v] = c + 1;
    this.#toggle(c + 1, v);
    if (c + 1 > this.#maxCount) this.#maxCount = c + 1;
  }

  /** Removes one occurrence of `v` (which must be present). */
  remove(v: number): void {
    const c = this.#count[v];
    this.#toggle(c, v);
    if (c === this.#maxCount && this.#setSize[c] === 0) this.#maxCount = c - 1;
    this.#count[v] = c - 1;
    if (c > 1) this.#toggle(c - 1, v);
  }

  /** Adds `pixels[start]`, `pixels[start + step]`, … up to index `end` inclusive. */
  addAll(pixels: Uint8Array, start: number, end: number, step: number): void {
    for (let i = start; i <= end; i += step) this.add(pixels[i]);
  }

  /** Removes `pixels[start]`, `pixels[start + step]`, … up to index `end` inclusive. */
  removeAll(pixels: Uint8Array, start: number, end: number, step: number): void {
    for (let i = start; i <= end; i += step) this.remove(pixels[i]);
  }

  /** The mode if it occurs more than twice, else `fallback` (Pillow's rule). */
  modeOr(fallback: number): number {
    if (this.#maxCount <= 2) return fallback;
    const base = this.#maxCount * WORDS;
    for (let w = 0; w < WORDS; w++) {
      const word = this.#withCount[base + w];
      if (word !== 0) return w * 32 + 31 - Math.clz32(word & -word);
    }
    return fallback; // unreachable: the set of the maximal count is never empty
  }

  /** Flips `v`'s membership in the set of values occurring `c` times. */
  #toggle(c: number, v: number): void {
    const bit = 1 << (v & 31);
    const i = c * WORDS + (v >> 5);
    this.#setSize[c] += (this.#withCount[i] & bit) !== 0 ? -1 : 1;
    this.#withCount[i] ^= bit;
  }
}

/** Throws unless the image and size are usable. */
function checkArgs(pixels: Uint8Array, width: number, height: number, size: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  if (pixels.length !== width * height) {
    throw new RangeError(`${pixels.length} pixels do not make a ${width}×${height} image`);
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`mode filter size must be a positive integer, got ${size}`);
  }
}

/**
 * Pillow's `ImageFilter.ModeFilter(size)` on an 8-bit grayscale image (row-major), bit-exact.
 * Returns a new image; the input is not modified.
 */
export function modeFilterU8(
  pixels: Uint8Array,
  width: number,
  height: number,
  size: number,
): Uint8Array {
  checkArgs(pixels, width, height, size);
  const margin = Math.floor(size / 2);
  const box = 2 * margin + 1;
  const histogram = new SlidingMode(Math.min(box, width) * Math.min(box, height));
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    // column x of the box covers pixels first + x, first + x + width, …, last + x
    const first = Math.max(0, y - margin) * width;
    const last = Math.min(height - 1, y + margin) * width;
    for (let x = 0; x <= Math.min(margin, width - 1); x++) {
      histogram.addAll(pixels, first + x, last + x, width);
    }
    for (let x = 0; x < width; x++) {
      out[y * width + x] = histogram.modeOr(pixels[y * width + x]);
      const leaving = x - margin;
      if (leaving >= 0) histogram.removeAll(pixels, first + leaving, last + leaving, width);
      const entering = x + margin + 1;
      if (entering < width) histogram.addAll(pixels, first + entering, last + entering, width);
    }
    for (let x = Math.max(0, width - margin); x < width; x++) {
      histogram.removeAll(pixels, first + x, last + x, width);
    }
  }
  return out;
}

/**
 * A [0, 1] map as 8-bit pixels, as `Image.fromarray((m * 255).astype(numpy.uint8))` does for a
 * float32 array: the product rounded to float32, then truncated (floor). Values outside
 * [0, 1] are clamped and NaN becomes 0 (numpy would wrap or be undefined there). For inputs in
 * [0, 1] the float32 rounding never changes the level, so float64 maps quantise alike.
 */
export function quantiseToU8(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.floor(Math.fround(data[i] * 255));
    out[i] = v > 255 ? 255 : v > 0 ? v : 0;
  }
  return out;
}

/** Mode-filters a map through its 8-bit version; values come back as `level / 255`. */
export function modeFilterMap(map: Map2D, size: number): Map2D {
  const filtered = modeFilterU8(quantiseToU8(map.data), map.width, map.height, size);
  return {
    data: Float32Array.from(filtered, (v) => v / 255),
    height: map.height,
    width: map.width,
  };
}

/** Options of the `mode-filter` plugin. */
export const modeFilterOptions = z.strictObject({
  size: z.number().int().min(1).max(64).default(12).describe(
    "box size as Pillow takes it (an even size uses the next odd box: 12 is 13×13)",
  ),
});

/** The `mode-filter` postprocess plugin. */
export const modeFilterPlugin = definePlugin({
  kind: "postprocess",
  name: "mode-filter",
  description:
    "Pillow ModeFilter(size) on the 8-bit map: commonest value in the box around each pixel",
  version: "1",
  options: modeFilterOptions,
  create: ({ size }) => ({ apply: (map: Map2D) => modeFilterMap(map, size) }),
});
