/**
 * What the classifier learns to predict. `diagnosis` needs the patient's diagnosis (cheap);
 * `phase` (ED or ES) and `position` (basal, mid or apical third of the stack) come with
 * every cine MRI, so they need no annotation at all.
 *
 * @module
 */
import { DIAGNOSES, diagnosisIndex } from "../../plugin/cohort.ts";
import type { SliceMeta } from "../data/prepared.ts";

/** The classifier targets. */
export const CLASSIFIER_TARGETS = ["diagnosis", "phase", "position"] as const;

/** One of {@linkcode CLASSIFIER_TARGETS}. */
export type ClassifierTarget = typeof CLASSIFIER_TARGETS[number];

/** Class names of each target, in class-index order. */
export const TARGET_CLASSES: Readonly<Record<ClassifierTarget, readonly string[]>> = {
  diagnosis: DIAGNOSES,
  phase: ["ED", "ES"],
  position: ["basal", "mid", "apical"],
};

/** Slices per stack (patient and phase): one more than the highest slice index. */
function stackDepths(meta: readonly SliceMeta[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const m of meta) {
    const k = `${m.patientId}\u0000${m.phase}`;
    depth.set(k, Math.max(depth.get(k) ?? 0, m.sliceIndex + 1));
  }
  return depth;
}

/** Third of the stack (0 basal, 1 mid, 2 apical) of slice `sliceIndex` of `depth` (0 = base). */
export function stackThird(sliceIndex: number, depth: number): number {
  return Math.min(2, Math.floor((3 * sliceIndex) / depth));
}

/** The class index of every slice for `target`. */
export function targetLabels(meta: readonly SliceMeta[], target: ClassifierTarget): number[] {
  if (target === "diagnosis") return meta.map((m) => diagnosisIndex(m.group));
  if (target === "phase") return meta.map((m) => m.phase === "ED" ? 0 : 1);
  const depths = stackDepths(meta);
  return meta.map((m) => stackThird(m.sliceIndex, depths.get(`${m.patientId}\u0000${m.phase}`)!));
}

/**
 * The unit whose slices share one label, for unit-level metrics (mean of slice
 * probabilities): the patient for `diagnosis`, the volume (patient and phase) for `phase`,
 * the third of the volume for `position`.
 */
export function targetUnits(meta: readonly SliceMeta[], target: ClassifierTarget): string[] {
  if (target === "diagnosis") return meta.map((m) => m.patientId);
  if (target === "phase") return meta.map((m) => `${m.patientId}/${m.phase}`);
  const labels = targetLabels(meta, target);
  return meta.map((m, i) => `${m.patientId}/${m.phase}/${labels[i]}`);
}
