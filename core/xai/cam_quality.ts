/**
 * How good a saliency map is as a heart prior, and whether it depends on the model at all.
 *
 * - Overlap: the prior thresholded (`≥ threshold`) against the ground-truth heart region
 *   (RV ∪ MYO ∪ LV): IoU, Dice, sensitivity and specificity per slice, their mean over
 *   slices and the pooled values over all pixels (the paper reports IoU 0.18 for CAM and 0.23
 *   for CAM* on ACDC).
 * - Model randomisation (Adebayo et al. 2018): maps of the trained classifier against maps
 *   of the same architecture randomly initialised, for the same classes. Similarity near 1
 *   means the maps do not depend on what the model learned (an edge detector would pass);
 *   reported as Spearman's rank correlation and a global SSIM, averaged over maps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  SegmentationConfusion,
  segmentationMetrics,
  type SegmentationMetricsOptions,
} from "../metrics/segmentation.ts";
import type { ClassifierNetwork, TargetClass, XaiInstance } from "../plugin/plugin.ts";
import { heartMask } from "../steps/prior/population_prior.ts";

/** Overlap of a binary prior with the heart. */
export interface OverlapScores {
  readonly iou: number;
  readonly dice: number;
  readonly sensitivity: number;
  readonly specificity: number;
}

/** {@linkcode camQuality}'s result. */
export interface CamQuality {
  readonly threshold: number;
  readonly perSlice: readonly OverlapScores[];
  /** Mean over slices (NaN entries, from `zeroDivision: NaN`, left out). */
  readonly mean: OverlapScores;
  /** From the confusion counts summed over all slices. */
  readonly pooled: OverlapScores;
  /**
   * Threshold-free: the share of the maps' summed values that lies on the heart, over all
   * slices (NaN for all-zero maps). A map that knows nothing scores about `heartShare`.
   */
  readonly massInHeart: number;
  /** The share of all pixels that are heart: what a flat map's `massInHeart` is. */
  readonly heartShare: number;
}

/** Options of {@linkcode camQuality}. */
export interface CamQualityOptions extends SegmentationMetricsOptions {
  /** Prior values at or above it count as heart; 0.5 by default. */
  readonly threshold?: number;
}

/** Heart-class scores of a two-class confusion. */
function heartScores(
  confusion: SegmentationConfusion,
  options: SegmentationMetricsOptions,
): OverlapScores {
  const m = segmentationMetrics(confusion, options);
  return {
    iou: m.iouPerClass[1],
    dice: m.dicePerClass[1],
    sensitivity: m.sensitivityPerClass[1],
    specificity: m.specificityPerClass[1],
  };
}

/** Mean of the non-NaN values; NaN when there are none. */
function nanMean(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? Number.NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}

/** Slices in a stack of `length` values of `pixels` each; throws unless whole. */
function sliceCount(length: number, pixels: number): number {
  const count = length / pixels;
  if (!Number.isInteger(count) || !Number.isInteger(pixels) || pixels < 1) {
    throw new RangeError(`${length} values are not a stack of ${pixels}-pixel maps`);
  }
  return count;
}

/**
 * Overlap of thresholded priors with the heart: `maps` (values in [0, 1]) and `labels`
 * (label values, heart = 1, 2, 3) are stacks of `pixels`-pixel slices, row-major.
 */
export function camQuality(
  maps: ArrayLike<number>,
  labels: ArrayLike<number>,
  pixels: number,
  options: CamQualityOptions = {},
): CamQuality {
  if (maps.length !== labels.length) {
    throw new RangeError(`${maps.length} map values but ${labels.length} labels`);
  }
  const threshold = options.threshold ?? 0.5;
  const truth = heartMask(labels);
  const pooled = new SegmentationConfusion(2);
  const perSlice = Array.from({ length: sliceCount(maps.length, pixels) }, (_, s) => {
    const from = s * pixels;
    const prior = Uint8Array.from(
      { length: pixels },
      (_, i) => maps[from + i] >= threshold ? 1 : 0,
    );
    const confusion = new SegmentationConfusion(2).add(truth.subarray(from, from + pixels), prior);
    pooled.merge(confusion);
    return heartScores(confusion, options);
  });
  const meanOf = (key: keyof OverlapScores) => nanMean(perSlice.map((scores) => scores[key]));
  let [inside, total, heartPixels] = [0, 0, 0];
  for (let i = 0; i < truth.length; i++) {
    total += maps[i];
    if (truth[i]) [inside, heartPixels] = [inside + maps[i], heartPixels + 1];
  }
  return {
    threshold,
    massInHeart: total > 0 ? inside / total : Number.NaN,
    heartShare: truth.length > 0 ? heartPixels / truth.length : Number.NaN,
    perSlice,
    mean: {
      iou: meanOf("iou"),
      dice: meanOf("dice"),
      sensitivity: meanOf("sensitivity"),
      specificity: meanOf("specificity"),
    },
    pooled: heartScores(pooled, options),
  };
}

/** Ranks `1 … n` of `values`, ties getting the mean of their ranks. */
function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) =>
    values[a] - values[b]
  );
  const out = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    for (let i = start; i < end; i++) out[order[i]] = (start + end + 1) / 2;
    start = end;
  }
  return out;
}

/** Mean of `x`. */
function average(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return sum / x.length;
}

/** Population variances of `a` and `b` and their covariance. */
function moments(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { va: number; vb: number; cov: number } {
  const [ma, mb] = [average(a), average(b)];
  let [va, vb, cov] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    const [da, db] = [a[i] - ma, b[i] - mb];
    va += da * da;
    vb += db * db;
    cov += da * db;
  }
  return { va: va / a.length, vb: vb / a.length, cov: cov / a.length };
}

/** Pearson correlation; NaN when either side is constant. */
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { va, vb, cov } = moments(a, b);
  return va === 0 || vb === 0 ? Number.NaN : cov / Math.sqrt(va * vb);
}

/** Spearman's rank correlation (ties get average ranks); NaN when either side is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} and ${b.length}`);
  return pearson(ranks(a), ranks(b));
}

/**
 * SSIM of two maps computed over the whole map as one window (Wang et al. 2004 with
 * `C1 = (0.01·range)²`, `C2 = (0.03·range)²`): 1 for identical maps.
 */
export function globalSsim(a: ArrayLike<number>, b: ArrayLike<number>, range = 1): number {
  const [ma, mb] = [average(a), average(b)];
  const { va, vb, cov } = moments(a, b);
  const [c1, c2] = [(0.01 * range) ** 2, (0.03 * range) ** 2];
  return ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
}

/** Similarity of trained and randomised maps: means over maps and each map's values. */
export interface RandomisationSimilarity {
  /** Mean Spearman correlation over maps (maps where it is undefined left out). */
  readonly spearman: number;
  /** Mean global SSIM over maps. */
  readonly ssim: number;
  readonly perMap: readonly { readonly spearman: number; readonly ssim: number }[];
}

/** Compares two stacks of `pixels`-pixel maps, map by map. */
export function randomisationSimilarity(
  trained: ArrayLike<number>,
  randomised: ArrayLike<number>,
  pixels: number,
): RandomisationSimilarity {
  if (trained.length !== randomised.length) {
    throw new RangeError(`${trained.length} trained values but ${randomised.length} randomised`);
  }
  const slice = (x: ArrayLike<number>, s: number) =>
    Array.from({ length: pixels }, (_, i) => x[s * pixels + i]);
  const perMap = Array.from({ length: sliceCount(trained.length, pixels) }, (_, s) => {
    const [a, b] = [slice(trained, s), slice(randomised, s)];
    return { spearman: spearman(a, b), ssim: globalSsim(a, b) };
  });
  return {
    spearman: nanMean(perMap.map((m) => m.spearman)),
    ssim: nanMean(perMap.map((m) => m.ssim)),
    perMap,
  };
}

/**
 * Adebayo et al.'s model randomisation test: maps of `images` from the trained and the
 * randomised network for the same classes (with `"predicted"`, the trained network's
 * predictions are explained in both), compared with {@linkcode randomisationSimilarity}.
 */
export async function modelRandomisationTest(
  xai: XaiInstance,
  trained: ClassifierNetwork,
  randomised: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass = "predicted",
): Promise<RandomisationSimilarity> {
  const classes = target === "predicted" ? await predictedClasses(trained, images) : target;
  const trainedMaps = xai.explain(trained, images, classes);
  const randomMaps = xai.explain(randomised, images, classes);
  try {
    const [a, b] = await Promise.all([trainedMaps.data(), randomMaps.data()]);
    return randomisationSimilarity(a, b, images.shape[1] * images.shape[2]);
  } finally {
    tf.dispose([trainedMaps, randomMaps]);
  }
}

/** Arg-max class per image. */
async function predictedClasses(
  network: ClassifierNetwork,
  images: tf.Tensor4D,
): Promise<number[]> {
  const predicted = tf.tidy(() => tf.argMax(network.model.predict(images) as tf.Tensor2D, 1));
  const classes = Array.from(await predicted.data());
  predicted.dispose();
  return classes;
}
