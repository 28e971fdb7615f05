/**
 * Data guards at load: every slice a dataset plugin returns is checked before it is
 * preprocessed: finite pixels, an image that is not constant, label values that are
 * segmentation classes, and image and label of the slice's size. A bad slice is an error
 * naming its file and slice, or, with `preprocess.invalidSlices: "drop"`, is left out and
 * counted in the cohort summary.
 *
 * @module
 */
import { type Cohort, SEGMENTATION_CLASSES, type Slice } from "../../plugin/cohort.ts";
import { CampriorError } from "../../util/errors.ts";

/** What to do with a slice that fails a guard. */
export type InvalidSlices = "fail" | "drop";

/** A slice that failed a guard. */
export interface RejectedSlice {
  readonly patientId: string;
  readonly group: Slice["group"];
  readonly phase: Slice["phase"];
  readonly sliceIndex: number;
  /** The file it came from, when the plugin says. */
  readonly source?: string;
  readonly problem: string;
}

/** The problem with a slice and the file at fault, or undefined when it passes every guard. */
export function sliceProblem(slice: Slice): { problem: string; file?: string } | undefined {
  const problem = imageProblem(slice);
  if (problem !== undefined) return { problem, file: slice.source };
  const label = labelProblem(slice);
  if (label !== undefined) return { problem: label, file: slice.labelSource ?? slice.source };
  return undefined;
}

function imageProblem(slice: Slice): string | undefined {
  if (slice.defect) return slice.defect;
  const pixels = slice.height * slice.width;
  if (!(pixels > 0)) return `empty slice (${slice.height}×${slice.width})`;
  if (slice.image.length !== pixels || slice.label.length !== pixels) {
    return `image/label shape mismatch: image has ${slice.image.length} values, label ` +
      `${slice.label.length}, expected ${slice.height}×${slice.width} = ${pixels}`;
  }
  let nonFinite = 0, min = Infinity, max = -Infinity;
  for (const v of slice.image) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (nonFinite > 0) return `${nonFinite} of ${pixels} pixels are NaN or infinite`;
  if (!(max > min)) return `constant image (every pixel is ${min})`;
  return undefined;
}

function labelProblem(slice: Slice): string | undefined {
  const classes = SEGMENTATION_CLASSES.length;
  const bad = slice.label.findIndex((v) => !(v >= 0 && v < classes && Number.isInteger(v)));
  if (bad >= 0) {
    const value = slice.label[bad];
    const note = value === 255 ? " (255 also stands for values no byte holds)" : "";
    return `label value ${value}${note} out of range 0..${classes - 1} ` +
      `(${SEGMENTATION_CLASSES.join(", ")}) at pixel ${bad}`;
  }
  return undefined;
}

/** Where a slice is, for messages: `<file>: slice <k> (<patient> <phase>)`. */
export function describeSlice(
  slice: Pick<RejectedSlice, "source" | "patientId" | "phase" | "sliceIndex">,
): string {
  const where = `slice ${slice.sliceIndex} (${slice.patientId} ${slice.phase})`;
  return slice.source ? `${slice.source}: ${where}` : where;
}

/** The cohort with bad slices left out, and what was left out. */
export interface GuardedCohort {
  readonly cohort: Cohort;
  readonly rejected: readonly RejectedSlice[];
  /** Patients left with no slice, removed from the cohort (and its split). */
  readonly emptiedPatients: readonly string[];
}

const LISTED = 5;

/**
 * Checks every slice. `fail`: throws naming each bad slice's file and slice (the first
 * few, and how many in all). `drop`: returns the cohort without them; patients left with no
 * slice are removed too.
 */
export function guardSlices(cohort: Cohort, mode: InvalidSlices = "fail"): GuardedCohort {
  const rejected: RejectedSlice[] = [];
  const kept: Slice[] = [];
  for (const slice of cohort.slices) {
    const found = sliceProblem(slice);
    if (found === undefined) {
      kept.push(slice);
      continue;
    }
    const { patientId, group, phase, sliceIndex } = slice;
    const { problem, file } = found;
    rejected.push({
      patientId,
      group,
      phase,
      sliceIndex,
      ...(file ? { source: file } : {}),
      problem,
    });
  }
  if (rejected.length === 0) return { cohort, rejected, emptiedPatients: [] };
  if (mode === "fail") throw new CampriorError(rejectionMessage(rejected, cohort.slices.length));
  const remaining = new Set(kept.map((s) => s.patientId));
  const emptiedPatients = cohort.patients.filter((p) => !remaining.has(p.id)).map((p) => p.id);
  const keep = (ids: readonly string[]) => ids.filter((id) => remaining.has(id));
  const split = cohort.predefinedSplit;
  return {
    cohort: {
      patients: cohort.patients.filter((p) => remaining.has(p.id)),
      slices: kept,
      ...(split
        ? {
          predefinedSplit: {
            train: keep(split.train),
            val: keep(split.val),
            test: keep(split.test),
          },
        }
        : {}),
    },
    rejected,
    emptiedPatients,
  };
}

function rejectionMessage(rejected: readonly RejectedSlice[], total: number): string {
  const lines = rejected.slice(0, LISTED).map((r) => `  ${describeSlice(r)}: ${r.problem}`);
  const more = rejected.length > LISTED ? [`  … and ${rejected.length - LISTED} more`] : [];
  return [
    `${rejected.length} of ${total} slices failed the data checks:`,
    ...lines,
    ...more,
    `fix the data, or set preprocess.invalidSlices to "drop" to leave such slices out`,
  ].join("\n");
}
