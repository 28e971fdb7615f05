/**
 * Preprocessing of a cohort's slices into one square size: intensity normalisation
 * (percentile clip, then scaling to [0, 1]) and resizing.
 *
 * @module
 */
import type { Slice } from "../cohort.ts";
import { metaOf, type PreparedSlices } from "./prepared.ts";
import { resizeBilinear, resizeNearest } from "./resize.ts";

/** Preprocessing settings from the experiment file. */
export interface PreprocessSettings {
  /** Output side length in pixels. */
  readonly size: number;
}

/** Clips to the 1st–99th percentile and scales to [0, 1]. */
export function normalizeIntensities(image: Float32Array): Float32Array {
  const sorted = Float32Array.from(image).sort();
  const low = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const high = sorted[Math.ceil(0.99 * (sorted.length - 1))];
  const range = high - low || 1;
  return image.map((v) => Math.min(Math.max((v - low) / range, 0), 1));
}

/** Normalises and resizes every slice, stacking them. */
export function preprocessSlices(
  slices: readonly Slice[],
  settings: PreprocessSettings,
): PreparedSlices {
  const { size } = settings;
  const pixels = size * size;
  const images = new Float32Array(slices.length * pixels);
  const labels = new Uint8Array(slices.length * pixels);
  slices.forEach((slice, i) => {
    const image = normalizeIntensities(slice.image);
    images.set(resizeBilinear(image, slice.height, slice.width, size, size), i * pixels);
    labels.set(resizeNearest(slice.label, slice.height, slice.width, size, size), i * pixels);
  });
  return { size, count: slices.length, images, labels, meta: slices.map(metaOf) };
}
