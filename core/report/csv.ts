/**
 * CSV files of the report: `results.csv` (one row per cell × seed, with per-cell summaries
 * of both evaluations) and `volumes.csv` (one row per recipe × sample size × seed × test
 * patient × phase × structure).
 *
 * @module
 */
import { SEGMENTATION_CLASSES } from "../plugin/cohort.ts";
import type { VolumeRecord } from "../metrics/volume_evaluation.ts";
import type { CellResult } from "../run/results.ts";

const STRUCTURE_NAMES = SEGMENTATION_CLASSES.slice(1);

/** One CSV field: quoted when needed; undefined and NaN are empty. */
export function csvField(value: unknown): string {
  if (value === undefined || (typeof value === "number" && Number.isNaN(value))) return "";
  const text = Array.isArray(value) ? value.join(" ") : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(","), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(","))]
    .join("\n") + "\n";
}

const perStructure = (prefix: string, values: readonly number[] | undefined) =>
  Object.fromEntries(STRUCTURE_NAMES.map((name, i) => [`${prefix}_${name}`, values?.[i]]));

const RESULT_COLUMNS = [
  "recipe",
  "strategy",
  "channels",
  "sampleSize",
  "sizeLabel",
  "trainPatients",
  "valPatients",
  "testPatients",
  "unlabelledPatients",
  "seed",
  "backend",
  "status",
  "meanIoUWithBackground",
  "fgDice",
  ...STRUCTURE_NAMES.map((c) => `dice_${c}`),
  "hd95",
  ...STRUCTURE_NAMES.map((c) => `hd95_${c}`),
  "assd",
  ...STRUCTURE_NAMES.map((c) => `sensitivity_${c}`),
  ...STRUCTURE_NAMES.map((c) => `specificity_${c}`),
  "distanceUnit",
  "volumes",
  "undefinedDistances",
  "pooledFgIoU",
  "pooledFgDice",
  ...SEGMENTATION_CLASSES.map((c) => `pooledIoU_${c}`),
  "testSlices",
  "epochs",
  "bestEpoch",
  "seconds",
  "error",
  "id",
] as const;

/** `results.csv`: per-volume summaries (fg Dice, HD95 …) beside the paper's pooled IoU. */
export function resultsCsv(
  results: readonly CellResult[],
  labels: ReadonlyMap<number, string>,
): string {
  return csv(
    RESULT_COLUMNS,
    results.map((r) => {
      const v = r.volume;
      return {
        ...r,
        sizeLabel: labels.get(r.sampleSize),
        valPatients: r.valPatientIds?.length,
        fgDice: v?.foregroundDice,
        ...perStructure("dice", v?.dice),
        hd95: v?.meanHd95,
        ...perStructure("hd95", v?.hd95),
        assd: v?.meanAssd,
        ...perStructure("sensitivity", v?.sensitivity),
        ...perStructure("specificity", v?.specificity),
        distanceUnit: v?.unit,
        volumes: v?.volumes,
        undefinedDistances: v?.undefinedDistances,
        pooledFgIoU: r.foregroundMeanIoU,
        pooledFgDice: r.foregroundMeanDice,
        ...Object.fromEntries(
          SEGMENTATION_CLASSES.map((c, i) => [`pooledIoU_${c}`, r.iouPerClass?.[i]]),
        ),
      };
    }),
  );
}

const VOLUME_COLUMNS = [
  "recipe",
  "sampleSize",
  "trainPatients",
  "seed",
  "patient",
  "phase",
  "structure",
  "dice",
  "iou",
  "sensitivity",
  "specificity",
  "hd95",
  "assd",
  "unit",
  "truthVoxels",
  "predictedVoxels",
  "slices",
  "missingSlices",
  "cell",
] as const;

/** `volumes.csv` from each finished cell's volume records. */
export function volumesCsv(
  cells: readonly { result: CellResult; volumes: readonly VolumeRecord[] }[],
): string {
  return csv(
    VOLUME_COLUMNS,
    cells.flatMap(({ result: r, volumes }) =>
      volumes.flatMap((v) =>
        v.structures.map((s) => ({
          ...s,
          recipe: r.recipe,
          sampleSize: r.sampleSize,
          trainPatients: r.trainPatients,
          seed: r.seed,
          patient: v.patientId,
          phase: v.phase,
          structure: STRUCTURE_NAMES[s.label - 1] ?? String(s.label),
          unit: v.unit,
          slices: v.shape[0],
          missingSlices: v.missingSlices,
          cell: r.id,
        }))
      )
    ),
  );
}
