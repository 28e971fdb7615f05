/**
 * How well a classifier does on held-out slices: slice-level metrics, and unit-level ones
 * where each unit (the patient for a diagnosis, the volume for the phase, the third of a
 * volume for the position) gets the mean of its slices' class probabilities.
 *
 * @module
 */
import { classificationMetrics } from "../../metrics/classification.ts";
import type { SliceMeta } from "../data/prepared.ts";
import { type ClassifierTarget, targetLabels, targetUnits } from "./classifier_targets.ts";

/** The headline classification metrics. */
export interface ClassifierScores {
  readonly accuracy: number;
  readonly f1Macro: number;
  readonly f1Weighted: number;
  /** One-vs-rest ROC AUC, macro-averaged (NaN when a class has no positive case). */
  readonly rocAucMacro: number;
  /** Slices or units scored. */
  readonly count: number;
}

/** Slice-level and unit-level scores. */
export interface ClassifierTestMetrics {
  readonly target: ClassifierTarget;
  readonly slices: ClassifierScores;
  /** Unit: patient (`diagnosis`), volume (`phase`) or third of a volume (`position`). */
  readonly units: ClassifierScores;
}

function scores(truth: number[], rows: ArrayLike<number>[], classes: number): ClassifierScores {
  const { accuracy, f1Macro, f1Weighted, rocAucMacro } = classificationMetrics(
    truth,
    rows,
    classes,
  );
  return { accuracy, f1Macro, f1Weighted, rocAucMacro, count: truth.length };
}

/**
 * Scores of `probabilities` (`meta.length` rows of `classes` values, row-major) against the
 * target's labels, per slice and per unit.
 */
export function classifierTestMetrics(
  meta: readonly SliceMeta[],
  probabilities: ArrayLike<number>,
  classes: number,
  target: ClassifierTarget,
): ClassifierTestMetrics {
  const rows = meta.map((_m, i) =>
    Array.from({ length: classes }, (_, c) => probabilities[i * classes + c])
  );
  const truth = targetLabels(meta, target);
  const units = targetUnits(meta, target);
  const members = new Map<string, number[]>();
  units.forEach((unit, i) => members.set(unit, [...(members.get(unit) ?? []), i]));
  const unitRows = [...members.values()].map((slices) =>
    Array.from(
      { length: classes },
      (_, c) => slices.reduce((sum, i) => sum + rows[i][c], 0) / slices.length,
    )
  );
  const unitTruth = [...members.values()].map((slices) => truth[slices[0]]);
  return {
    target,
    slices: scores(truth, rows, classes),
    units: scores(unitTruth, unitRows, classes),
  };
}
