/**
 * How well the diagnosis classifier behind the priors does on the test patients: slice-level
 * accuracy, macro F1, macro one-vs-rest ROC AUC and the confusion matrix; patient-level
 * accuracy (the argmax of the patient's mean slice probabilities); and a 95% CI of the
 * macro AUC by resampling patients (slices of one patient are not independent), so a
 * classifier no better than chance can be flagged.
 *
 * @module
 */
import { deriveSeed, seededRandom } from "../util/random.ts";
import { argmaxRows, classificationMetrics } from "./classification.ts";

/** One test slice's classifier output. */
export interface SlicePrediction {
  readonly patientId: string;
  /** True class index. */
  readonly truth: number;
  /** Class probabilities. */
  readonly probabilities: readonly number[];
}

/** Classifier metrics for the report. */
export interface ClassifierEvaluation {
  readonly slices: number;
  readonly patients: number;
  readonly sliceAccuracy: number;
  readonly patientAccuracy: number;
  readonly macroF1: number;
  readonly macroAuc: number;
  /** Percentile 95% CI of the macro AUC over patient resamples (absent below 2 patients). */
  readonly macroAucCi?: { readonly low: number; readonly high: number };
  /** `[true][predicted]` slice counts. */
  readonly confusionMatrix: readonly (readonly number[])[];
  /** Accuracy of always predicting the most frequent test class (the chance baseline). */
  readonly majorityAccuracy: number;
}

function byPatient(predictions: readonly SlicePrediction[]): Map<string, SlicePrediction[]> {
  const groups = new Map<string, SlicePrediction[]>();
  for (const p of predictions) groups.set(p.patientId, [...(groups.get(p.patientId) ?? []), p]);
  return groups;
}

function macroAucOf(predictions: readonly SlicePrediction[], classes: number): number {
  return classificationMetrics(
    predictions.map((p) => p.truth),
    predictions.map((p) => p.probabilities),
    classes,
  ).rocAucMacro;
}

/** Patient-resampled percentile CI; resamples missing a class (AUC undefined) are skipped. */
function aucCi(
  groups: readonly SlicePrediction[][],
  classes: number,
  resamples: number,
  seed: number,
): { low: number; high: number } | undefined {
  if (groups.length < 2) return undefined;
  const random = seededRandom(deriveSeed(seed, "auc-bootstrap"));
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const drawn = Array.from(
      { length: groups.length },
      () => groups[Math.floor(random() * groups.length)],
    ).flat();
    const auc = macroAucOf(drawn, classes);
    if (Number.isFinite(auc)) values.push(auc);
  }
  if (values.length < resamples / 2) return undefined;
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.round(q * (values.length - 1))];
  return { low: at(0.025), high: at(0.975) };
}

/** Evaluates the classifier's test predictions (`classes` = number of diagnoses). */
export function evaluateClassifier(
  predictions: readonly SlicePrediction[],
  classes: number,
  options: { readonly resamples?: number; readonly seed?: number } = {},
): ClassifierEvaluation {
  const metrics = classificationMetrics(
    predictions.map((p) => p.truth),
    predictions.map((p) => p.probabilities),
    classes,
  );
  const groups = byPatient(predictions);
  const patientMeans = [...groups.values()].map((slices) =>
    Array.from(
      { length: classes },
      (_, c) => slices.reduce((s, p) => s + p.probabilities[c], 0) / slices.length,
    )
  );
  const patientTruth = [...groups.values()].map((slices) => slices[0].truth);
  const patientGuess = argmaxRows(patientMeans);
  const counts = Array.from(
    { length: classes },
    (_, c) => predictions.filter((p) => p.truth === c).length,
  );
  const ci = aucCi([...groups.values()], classes, options.resamples ?? 1000, options.seed ?? 0);
  return {
    slices: predictions.length,
    patients: groups.size,
    sliceAccuracy: metrics.accuracy,
    patientAccuracy: patientTruth.filter((t, i) => t === patientGuess[i]).length / groups.size,
    macroF1: metrics.f1Macro,
    macroAuc: metrics.rocAucMacro,
    ...(ci ? { macroAucCi: ci } : {}),
    confusionMatrix: metrics.confusionMatrix,
    majorityAccuracy: Math.max(...counts) / predictions.length,
  };
}
