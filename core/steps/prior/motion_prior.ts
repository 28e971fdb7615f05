/**
 * The motion prior, label-free: the heart contracts between end-diastole and end-systole
 * and the chest around it barely moves, so the smoothed |ED − ES| difference of the same
 * slice position is high on the heart. Each slice's map is scaled to [0, 1].
 *
 * @module
 */
import type { SliceMeta } from "../data/prepared.ts";
import { boxBlur } from "../data/heart_crop.ts";

/** Options of {@linkcode motionPriors}. */
export interface MotionPriorOptions {
  /** Box-blur radius in pixels of the difference (0: none); default `round(size / 20)`. */
  readonly radius?: number;
  /**
   * `slice`: each slice's own |ED − ES|; `stack`: the mean over the patient's slice
   * positions (one map per patient); `product`: the two multiplied, which keeps what moves
   * in this slice and where the heart moves across the stack.
   */
  readonly mode?: "slice" | "stack" | "product";
}

/** The default blur radius for `size`-pixel slices: 3 at 64², 6 at 128². */
export function defaultMotionRadius(size: number): number {
  return Math.round(size / 20);
}

function key(patientId: string, phase: string, sliceIndex: number): string {
  return `${patientId}\u0000${phase}\u0000${sliceIndex}`;
}

/** Scales to [0, 1] by the minimum and maximum (an all-equal map becomes 0). */
export function minMaxScale(map: Float32Array): Float32Array {
  let low = Infinity, high = -Infinity;
  for (const v of map) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const range = high - low;
  return range > 1e-12 ? map.map((v) => (v - low) / range) : new Float32Array(map.length);
}

/** |a − b| per pixel. */
function absDiff(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => Math.abs(v - b[i]));
}

/**
 * Motion priors of a stack of `size`×`size` images (row-major, aligned with `meta`): for
 * each slice, the difference to the same patient's slice at the same position in the
 * other phase. A slice without a partner takes its patient's mean difference; a patient
 * with no pair at all gets zeros.
 */
export function motionPriors(
  images: Float32Array,
  meta: readonly SliceMeta[],
  size: number,
  options: MotionPriorOptions = {},
): Float32Array {
  const radius = options.radius ?? defaultMotionRadius(size);
  const mode = options.mode ?? "slice";
  const pixels = size * size;
  const image = (i: number) => images.subarray(i * pixels, (i + 1) * pixels);
  const index = new Map(meta.map((m, i) => [key(m.patientId, m.phase, m.sliceIndex), i]));
  const raw = meta.map((m, i) => {
    const partner = index.get(key(m.patientId, m.phase === "ED" ? "ES" : "ED", m.sliceIndex));
    return partner === undefined ? undefined : absDiff(image(i), image(partner));
  });
  const stacks = patientMeans(raw, meta, pixels);
  const out = new Float32Array(meta.length * pixels);
  meta.forEach((m, i) => {
    const stack = stacks.get(m.patientId) ?? new Float32Array(pixels);
    const own = raw[i] ?? stack;
    const combined = mode === "slice"
      ? own
      : mode === "stack"
      ? stack
      : own.map((v, p) => v * stack[p]);
    const smoothed = radius > 0 ? boxBlur(combined, size, size, radius) : combined;
    out.set(minMaxScale(smoothed), i * pixels);
  });
  return out;
}

/** Mean difference map of each patient over the slices that have one. */
function patientMeans(
  raw: readonly (Float32Array | undefined)[],
  meta: readonly SliceMeta[],
  pixels: number,
): Map<string, Float32Array> {
  const sums = new Map<string, { sum: Float32Array; count: number }>();
  raw.forEach((diff, i) => {
    if (!diff) return;
    const entry = sums.get(meta[i].patientId) ?? { sum: new Float32Array(pixels), count: 0 };
    for (let p = 0; p < pixels; p++) entry.sum[p] += diff[p];
    entry.count++;
    sums.set(meta[i].patientId, entry);
  });
  return new Map([...sums].map(([id, { sum, count }]) => [id, sum.map((v) => v / count)]));
}
