/**
 * Evaluation per 3-D volume at native resolution: 2-D slices (truth and prediction, both at
 * the slice's native size) are stacked by patient, phase and slice index into volumes, each
 * volume is scored per structure (`volume_metrics.ts`), and the records are summarised per
 * cell and per patient. This is how ACDC results are reported (ED and ES volumes
 * separately, RV/MYO/LV, Dice and Hausdorff distance), and what the report's second table,
 * `volumes.csv` and the per-patient statistics on Dice or HD95 rest on.
 *
 * @module
 */
import type { Phase } from "../plugin/cohort.ts";
import { CampriorError } from "../util/errors.ts";
import type { Spacing3 } from "./surface_distance.ts";
import {
  type DistanceUnit,
  nanMean,
  type StructureMetrics,
  volumeMetrics,
} from "./volume_metrics.ts";

/** One slice at native resolution, with its place in its volume. */
export interface NativeSlice {
  readonly patientId: string;
  readonly phase: Phase;
  readonly sliceIndex: number;
  readonly height: number;
  readonly width: number;
  readonly truth: Uint8Array;
  readonly predicted: Uint8Array;
  /** `[slice, row, column]` spacing in mm, when the data has it. */
  readonly spacing?: Spacing3;
}

/** Metrics of one volume (one patient and phase). */
export interface VolumeRecord {
  readonly patientId: string;
  readonly phase: Phase;
  /** `[slices, rows, columns]`. */
  readonly shape: readonly [number, number, number];
  /** Slice positions inside the stack that no slice filled (scored as background). */
  readonly missingSlices: number;
  readonly unit: DistanceUnit;
  readonly foregroundDice: number;
  readonly structures: readonly StructureMetrics[];
}

/** Label values of the structures scored: RV, MYO, LV. */
export const STRUCTURES = [1, 2, 3] as const;

/** Groups slices into volumes, checking each is a complete stack of one size. */
function stacks(slices: readonly NativeSlice[]): NativeSlice[][] {
  const byVolume = new Map<string, NativeSlice[]>();
  for (const s of slices) {
    const key = `${s.patientId}\u0000${s.phase}`;
    byVolume.set(key, [...(byVolume.get(key) ?? []), s]);
  }
  return [...byVolume.values()].map((volume) => {
    const sorted = [...volume].sort((a, b) => a.sliceIndex - b.sliceIndex);
    const first = sorted[0];
    sorted.forEach((s, k) => {
      const where = `${first.patientId} ${first.phase} slice ${s.sliceIndex}`;
      if (k > 0 && s.sliceIndex === sorted[k - 1].sliceIndex) {
        throw new CampriorError(`${where}: twice in the test slices`);
      }
      if (s.height !== first.height || s.width !== first.width) {
        throw new CampriorError(
          `${where}: ${s.height}×${s.width}, but slice ${first.sliceIndex} is ` +
            `${first.height}×${first.width}; a volume's slices must share one size`,
        );
      }
    });
    return sorted;
  });
}

/** The volume's spacing when every slice has the same one; otherwise none (voxels). */
function spacingOf(volume: readonly NativeSlice[]): Spacing3 | undefined {
  const first = volume[0].spacing;
  const same = first && volume.every((s) => s.spacing?.join() === first.join());
  return same ? first : undefined;
}

/**
 * Scores every volume the slices form, slice index = position along the slice axis (from
 * the lowest index present). A slice index missing inside a stack (a dataset that drops
 * slices) stays background in truth and prediction, and is counted in `missingSlices`.
 */
export function evaluateVolumes(slices: readonly NativeSlice[]): VolumeRecord[] {
  return stacks(slices).map((volume) => {
    const { height, width, patientId, phase } = volume[0];
    const first = volume[0].sliceIndex;
    const depth = volume[volume.length - 1].sliceIndex - first + 1;
    const shape = [depth, height, width] as const;
    const pixels = height * width;
    const truth = new Uint8Array(depth * pixels);
    const predicted = new Uint8Array(depth * pixels);
    for (const s of volume) {
      truth.set(s.truth, (s.sliceIndex - first) * pixels);
      predicted.set(s.predicted, (s.sliceIndex - first) * pixels);
    }
    const metrics = volumeMetrics(
      { labels: truth, shape },
      { labels: predicted, shape },
      STRUCTURES,
      spacingOf(volume),
    );
    return { patientId, phase, shape, missingSlices: depth - volume.length, ...metrics };
  });
}

/** A cell's per-volume metrics, averaged over volumes (NaN-skipping, counts kept). */
export interface VolumeSummary {
  readonly volumes: number;
  readonly unit: DistanceUnit | "mixed";
  /** Mean over volumes of the mean Dice over RV, MYO, LV. */
  readonly foregroundDice: number;
  /** Per structure in {@linkcode STRUCTURES} order: mean over volumes. */
  readonly dice: readonly number[];
  readonly iou: readonly number[];
  readonly sensitivity: readonly number[];
  readonly specificity: readonly number[];
  readonly hd95: readonly number[];
  readonly assd: readonly number[];
  /** Mean over structures of the per-structure HD95 means. */
  readonly meanHd95: number;
  readonly meanAssd: number;
  /** Volume × structure pairs whose HD95 is undefined (structure missed or hallucinated). */
  readonly undefinedDistances: number;
  /** Foreground voxels (any structure) in the truth and in the prediction, all volumes. */
  readonly truthForeground: number;
  readonly predictedForeground: number;
}

/** Summarises a cell's volume records. */
export function summarizeVolumes(records: readonly VolumeRecord[]): VolumeSummary {
  const per = (key: keyof Omit<StructureMetrics, "label">) =>
    STRUCTURES.map((_, s) => nanMean(records.map((r) => r.structures[s][key])));
  const units = new Set(records.map((r) => r.unit));
  const hd95 = per("hd95"), assd = per("assd");
  const total = (of: (s: StructureMetrics) => number) =>
    records.reduce((n, r) => n + r.structures.reduce((m, s) => m + of(s), 0), 0);
  return {
    volumes: records.length,
    unit: units.size === 1 ? [...units][0] : units.size === 0 ? "px" : "mixed",
    foregroundDice: nanMean(records.map((r) => r.foregroundDice)),
    dice: per("dice"),
    iou: per("iou"),
    sensitivity: per("sensitivity"),
    specificity: per("specificity"),
    hd95,
    assd,
    meanHd95: nanMean(hd95),
    meanAssd: nanMean(assd),
    undefinedDistances: records.reduce(
      (n, r) => n + r.structures.filter((s) => Number.isNaN(s.hd95)).length,
      0,
    ),
    truthForeground: total((s) => s.truthVoxels),
    predictedForeground: total((s) => s.predictedVoxels),
  };
}

/** Per test patient: mean over the patient's volumes (ED, ES) of fg Dice and of HD95. */
export function patientVolumeScores(
  records: readonly VolumeRecord[],
): Map<string, { foregroundDice: number; hd95: number }> {
  const byPatient = new Map<string, VolumeRecord[]>();
  for (const r of records) byPatient.set(r.patientId, [...(byPatient.get(r.patientId) ?? []), r]);
  return new Map(
    [...byPatient].map(([id, volumes]) => [id, {
      foregroundDice: nanMean(volumes.map((v) => v.foregroundDice)),
      hd95: nanMean(volumes.map((v) => nanMean(v.structures.map((s) => s.hd95)))),
    }]),
  );
}
