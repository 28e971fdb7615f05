/**
 * The ACDC way of scoring a segmentation: per 3-D volume (one patient and phase) and per
 * structure (RV, MYO, LV), Dice, IoU, sensitivity and specificity from voxel counts, and
 * HD95 and ASSD from the surfaces (`surface_distance.ts`) in mm when the spacing is known,
 * in voxels ("px") when it is not.
 *
 * Undefined values are NaN, never a made-up number: Dice/IoU/sensitivity when a structure
 * is absent from truth and prediction (or, for sensitivity, from the truth), and HD95/ASSD
 * when exactly one of them is empty (a structure missed entirely, or hallucinated). Means
 * over volumes skip NaN and say how many volumes they rest on; a missed structure still
 * scores Dice 0, so a collapsed model cannot look good by having no distances.
 *
 * @module
 */
import { hd95AndAssd, type Shape3, type Spacing3 } from "./surface_distance.ts";

/** Unit of the distances: millimetres, or voxels where the data has no spacing. */
export type DistanceUnit = "mm" | "px";

/** One 3-D label volume and its geometry. */
export interface LabelVolume {
  /** `depth * height * width` label values, slice-major then row-major. */
  readonly labels: ArrayLike<number>;
  readonly shape: Shape3;
}

/** Metrics of one structure in one volume. */
export interface StructureMetrics {
  /** Label value of the structure (1 RV, 2 MYO, 3 LV for ACDC). */
  readonly label: number;
  readonly dice: number;
  readonly iou: number;
  readonly sensitivity: number;
  readonly specificity: number;
  readonly hd95: number;
  readonly assd: number;
  /** Voxels of the structure in the truth and in the prediction. */
  readonly truthVoxels: number;
  readonly predictedVoxels: number;
}

/** Every structure's metrics of one volume. */
export interface VolumeMetrics {
  readonly structures: readonly StructureMetrics[];
  /** Mean Dice over the structures (NaN-skipping). */
  readonly foregroundDice: number;
  readonly unit: DistanceUnit;
}

const ratio = (num: number, den: number) => den === 0 ? NaN : num / den;

/** Counts of one label: true positives, false positives, false negatives, true negatives. */
function countsOf(truth: ArrayLike<number>, predicted: ArrayLike<number>, label: number) {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] === label, p = predicted[i] === label;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return { tp, fp, fn, tn: truth.length - tp - fp - fn };
}

/** Binary mask of one label. */
function maskOf(labels: ArrayLike<number>, label: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === label ? 1 : 0;
  return out;
}

/**
 * Metrics of `predicted` against `truth` (same shape) for each label in `structures`;
 * `spacing` (`[slice, row, column]` mm) when known, otherwise distances are in voxels.
 */
export function volumeMetrics(
  truth: LabelVolume,
  predicted: LabelVolume,
  structures: readonly number[],
  spacing?: Spacing3,
): VolumeMetrics {
  const [d, h, w] = truth.shape;
  if (predicted.shape.join() !== truth.shape.join() || truth.labels.length !== d * h * w) {
    throw new RangeError(
      `volume shapes differ: truth ${truth.shape.join("×")} (${truth.labels.length} values), ` +
        `prediction ${predicted.shape.join("×")} (${predicted.labels.length} values)`,
    );
  }
  const metrics = structures.map((label): StructureMetrics => {
    const { tp, fp, fn, tn } = countsOf(truth.labels, predicted.labels, label);
    const { hd95, assd } = hd95AndAssd(
      maskOf(predicted.labels, label),
      maskOf(truth.labels, label),
      truth.shape,
      spacing ?? [1, 1, 1],
    );
    return {
      label,
      dice: ratio(2 * tp, 2 * tp + fp + fn),
      iou: ratio(tp, tp + fp + fn),
      sensitivity: ratio(tp, tp + fn),
      specificity: ratio(tn, tn + fp),
      hd95,
      assd,
      truthVoxels: tp + fn,
      predictedVoxels: tp + fp,
    };
  });
  return {
    structures: metrics,
    foregroundDice: nanMean(metrics.map((m) => m.dice)),
    unit: spacing ? "mm" : "px",
  };
}

/** Mean of the values that are not NaN; NaN when none is. */
export function nanMean(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}
