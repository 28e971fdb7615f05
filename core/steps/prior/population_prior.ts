/**
 * The population prior: a control for CAM priors. Any location map adds spatial information
 * to a segmenter's input; this one is the mean heart mask of labelled slices, i.e. for each
 * pixel the fraction of slices whose heart (RV ∪ MYO ∪ LV) covers it — "where hearts
 * usually are", with no knowledge of the slice at hand.
 *
 * @module
 */
import type { Map2D } from "../../plugin/plugin.ts";

/** Label values of the heart region: RV (1), MYO (2) and LV (3). */
export const HEART_LABELS: readonly number[] = [1, 2, 3];

/** 1 where the label is one of `heartLabels`, else 0. */
export function heartMask(
  labels: ArrayLike<number>,
  heartLabels: readonly number[] = HEART_LABELS,
): Uint8Array {
  const isHeart = new Set(heartLabels);
  return Uint8Array.from({ length: labels.length }, (_, i) => isHeart.has(labels[i]) ? 1 : 0);
}

/** Options of {@linkcode populationPrior}. */
export interface PopulationPriorOptions {
  /** When set, the prior becomes a mask: 1 where the heart frequency is at least this. */
  readonly threshold?: number;
  /** Label values counted as heart; {@linkcode HEART_LABELS} by default. */
  readonly heartLabels?: readonly number[];
}

/**
 * Mean heart mask of `count` label maps of `height × width` pixels stacked row-major in
 * `labels`: each pixel's fraction of maps labelled heart, optionally thresholded.
 */
export function populationPrior(
  labels: ArrayLike<number>,
  height: number,
  width: number,
  options: PopulationPriorOptions = {},
): Map2D {
  const pixels = height * width;
  const count = labels.length / pixels;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`${labels.length} labels are not a stack of ${height}×${width} maps`);
  }
  const mask = heartMask(labels, options.heartLabels);
  const frequency = new Float64Array(pixels);
  for (let i = 0; i < mask.length; i++) frequency[i % pixels] += mask[i];
  const { threshold } = options;
  const data = Float32Array.from(frequency, (sum) => {
    const mean = sum / count;
    return threshold === undefined ? mean : mean >= threshold ? 1 : 0;
  });
  return { data, height, width };
}
