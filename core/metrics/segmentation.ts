/**
 * Segmentation metrics from label maps: per-class IoU (Jaccard), Dice, sensitivity and
 * specificity, the mean IoU over all classes including background (what the paper's Table 1
 * reports) and foreground-only means. Class 0 is the background.
 *
 * Counts go into a {@linkcode SegmentationConfusion} so any number of slices or volumes can
 * be summed without keeping them; metrics from summed counts are dataset-level (pooled over
 * pixels). For per-slice averages, use one accumulator per slice and average the results.
 *
 * Zero division: a ratio whose denominator is 0 (e.g. IoU of a class absent from both truth
 * and prediction) takes the value `zeroDivision`, 0 by default. That is scikit-learn's
 * `zero_division` default for `jaccard_score` / `f1_score` / `recall_score` with explicit
 * `labels`, and what MISeval (the library the paper used) returns for IoU, sensitivity and
 * specificity; such a class is then counted as 0 in the means. Pass `zeroDivision: NaN` to
 * leave undefined ratios out of the means instead (like Keras `MeanIoU`).
 *
 * @module
 */

/** Per-class pixel counts of one class against all others. */
export interface ClassCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** Accumulates a `[truth][prediction]` pixel confusion matrix over many label maps. */
export class SegmentationConfusion {
  /** Number of classes; labels are `0 … numClasses-1`, 0 being the background. */
  readonly numClasses: number;
  /** Row-major `[truth][prediction]` counts (float64: exact up to 2^53 pixels). */
  readonly counts: Float64Array;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new RangeError(`numClasses must be an integer ≥ 2, got ${numClasses}`);
    }
    this.numClasses = numClasses;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds one truth/prediction pair of label maps (same length, any shape). */
  add(truth: ArrayLike<number>, prediction: ArrayLike<number>): this {
    if (truth.length !== prediction.length) {
      throw new RangeError(
        `label maps differ in size: truth ${truth.length}, prediction ${prediction.length}`,
      );
    }
    const n = this.numClasses;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i];
      const p = prediction[i];
      if (!(isLabel(t, n) && isLabel(p, n))) {
        throw new RangeError(`pixel ${i}: labels ${t}/${p} are not class indices in [0, ${n})`);
      }
      this.counts[t * n + p]++;
    }
    return this;
  }

  /** Adds another accumulator's counts (same number of classes). */
  merge(other: SegmentationConfusion): this {
    if (other.numClasses !== this.numClasses) {
      throw new RangeError(`cannot merge ${other.numClasses} classes into ${this.numClasses}`);
    }
    other.counts.forEach((count, i) => this.counts[i] += count);
    return this;
  }

  /** Total number of pixels added. */
  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** TP, FP, FN and TN of class `c` against all other classes. */
  classCounts(c: number): ClassCounts {
    const n = this.numClasses;
    let truthC = 0;
    let predC = 0;
    for (let k = 0; k < n; k++) {
      truthC += this.counts[c * n + k];
      predC += this.counts[k * n + c];
    }
    const tp = this.counts[c * n + c];
    const fp = predC - tp;
    const fn = truthC - tp;
    return { tp, fp, fn, tn: this.total - tp - fp - fn };
  }
}

/** Whether `v` is an integer class index below `n`. */
function isLabel(v: number, n: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < n;
}

/** Options of {@linkcode segmentationMetrics}. */
export interface SegmentationMetricsOptions {
  /** Value of a 0/0 ratio; 0 by default, NaN to exclude it from the means. */
  readonly zeroDivision?: number;
}

/** Everything {@linkcode segmentationMetrics} computes; per-class arrays are indexed by class. */
export interface SegmentationMetrics {
  /** IoU (Jaccard) per class: `TP / (TP + FP + FN)`. */
  readonly iouPerClass: readonly number[];
  /** Dice per class: `2·TP / (2·TP + FP + FN)`. */
  readonly dicePerClass: readonly number[];
  /** Sensitivity (recall) per class: `TP / (TP + FN)`. */
  readonly sensitivityPerClass: readonly number[];
  /** Specificity per class: `TN / (TN + FP)`. */
  readonly specificityPerClass: readonly number[];
  /**
   * Mean IoU over ALL classes, background included (the paper's Table 1 "mean IoU"). A model
   * that predicts only background still scores about background-fraction / numClasses.
   */
  readonly meanIoUWithBackground: number;
  /** Mean IoU over the foreground classes 1 … numClasses-1 (background excluded). */
  readonly foregroundMeanIoU: number;
  /** Mean Dice over the foreground classes 1 … numClasses-1 (background excluded). */
  readonly foregroundMeanDice: number;
}

/** `numerator / denominator`, or `zeroDivision` when the denominator is 0. */
function ratio(numerator: number, denominator: number, zeroDivision: number): number {
  return denominator === 0 ? zeroDivision : numerator / denominator;
}

/** Mean of the non-NaN values; NaN when there are none. */
function nanMean(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? Number.NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}

/** Per-class and mean metrics from accumulated counts. */
export function segmentationMetrics(
  confusion: SegmentationConfusion,
  options: SegmentationMetricsOptions = {},
): SegmentationMetrics {
  const z = options.zeroDivision ?? 0;
  const counts = Array.from({ length: confusion.numClasses }, (_, c) => confusion.classCounts(c));
  const iouPerClass = counts.map(({ tp, fp, fn }) => ratio(tp, tp + fp + fn, z));
  const dicePerClass = counts.map(({ tp, fp, fn }) => ratio(2 * tp, 2 * tp + fp + fn, z));
  return {
    iouPerClass,
    dicePerClass,
    sensitivityPerClass: counts.map(({ tp, fn }) => ratio(tp, tp + fn, z)),
    specificityPerClass: counts.map(({ tn, fp }) => ratio(tn, tn + fp, z)),
    meanIoUWithBackground: nanMean(iouPerClass),
    foregroundMeanIoU: nanMean(iouPerClass.slice(1)),
    foregroundMeanDice: nanMean(dicePerClass.slice(1)),
  };
}

/** Metrics of a single truth/prediction pair of label maps. */
export function segmentationMetricsOf(
  truth: ArrayLike<number>,
  prediction: ArrayLike<number>,
  numClasses: number,
  options: SegmentationMetricsOptions = {},
): SegmentationMetrics {
  return segmentationMetrics(new SegmentationConfusion(numClasses).add(truth, prediction), options);
}
