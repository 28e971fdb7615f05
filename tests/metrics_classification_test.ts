import assert from "node:assert/strict";
import {
  argmaxRows,
  binaryRocAuc,
  classificationMetrics,
  confusionMatrix,
  f1FromConfusion,
} from "../core/metrics/classification.ts";

const FIXTURE = new URL("../../shared/fixtures/metrics/sklearn_metrics.json", import.meta.url);
const TOLERANCE = 1e-9;

interface ClassificationCase {
  y_true: number[];
  y_prob: number[][];
  y_pred: number[];
  accuracy: number;
  f1_weighted: number;
  f1_macro: number;
  roc_auc_ovr_macro: number;
  roc_auc_per_class: number[];
  confusion_matrix: number[][];
}

/** The sklearn cases, or undefined (with the reason printed) when the fixture is absent. */
async function loadCases(): Promise<ClassificationCase[] | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(FIXTURE)).classification;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.warn(`NOT CHECKED against sklearn: fixture ${FIXTURE.pathname} is missing`);
    return undefined;
  }
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= TOLERANCE,
    `${what}: got ${actual}, sklearn says ${expected}`,
  );
}

function assertAllClose(actual: readonly number[], expected: readonly number[], what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => assertClose(v, expected[i], `${what}[${i}]`));
}

Deno.test("classification metrics match scikit-learn 1.2.1", async () => {
  const cases = await loadCases();
  if (!cases) return;
  assert.ok(cases.length > 0);
  cases.forEach((c, k) => {
    const m = classificationMetrics(c.y_true, c.y_prob, 5);
    assert.deepEqual(argmaxRows(c.y_prob), c.y_pred, `case ${k}: argmax`);
    assert.deepEqual(m.confusionMatrix, c.confusion_matrix, `case ${k}: confusion matrix`);
    assertClose(m.accuracy, c.accuracy, `case ${k}: accuracy`);
    assertClose(m.f1Weighted, c.f1_weighted, `case ${k}: weighted F1`);
    assertClose(m.f1Macro, c.f1_macro, `case ${k}: macro F1`);
    assertAllClose(m.rocAucPerClass, c.roc_auc_per_class, `case ${k}: AUC per class`);
    assertClose(m.rocAucMacro, c.roc_auc_ovr_macro, `case ${k}: macro AUC`);
  });
});

Deno.test("confusion matrix and F1 by hand", () => {
  // truth 0 0 1 1 2, predicted 0 1 1 1 0
  const cm = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
  assert.deepEqual(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
  const f1 = f1FromConfusion(cm);
  // class 0: tp 1, fp 1, fn 1 → 2/4; class 1: tp 2, fp 1, fn 0 → 4/5; class 2: 0
  assert.deepEqual(f1.perClass, [0.5, 0.8, 0]);
  assertClose(f1.weighted, (0.5 * 2 + 0.8 * 2 + 0) / 5, "weighted");
  assertClose(f1.macro, 1.3 / 3, "macro");
});

Deno.test("macro F1 leaves out classes absent from truth and prediction (sklearn labels=None)", () => {
  const f1 = f1FromConfusion(confusionMatrix([0, 1, 1], [0, 1, 0], 4));
  assert.deepEqual(f1.perClass, [2 / 3, 2 / 3, 0, 0]);
  assertClose(f1.macro, 2 / 3, "macro over classes 0 and 1 only");
});

Deno.test("binary ROC AUC: perfect, reversed, and ties counting half", () => {
  assert.equal(binaryRocAuc([false, false, true, true], [0.1, 0.2, 0.3, 0.4]), 1);
  assert.equal(binaryRocAuc([true, true, false, false], [0.1, 0.2, 0.3, 0.4]), 0);
  assert.equal(binaryRocAuc([false, true], [0.5, 0.5]), 0.5);
  // sklearn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
  assert.equal(binaryRocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8]), 0.75);
  // pairs (pos, neg): (0.5, 0.5) half, (0.5, 0.2) win, (0.9, 0.5) win, (0.9, 0.2) win → 3.5/4
  assert.equal(binaryRocAuc([true, false, true, false], [0.5, 0.5, 0.9, 0.2]), 0.875);
  assert.ok(Number.isNaN(binaryRocAuc([true, true], [0.1, 0.2])));
});

Deno.test("classification metrics reject bad input", () => {
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), RangeError);
  assert.throws(() => confusionMatrix([0, 1], [0], 3), RangeError);
  assert.throws(() => classificationMetrics([0], [[0.5, 0.5]], 3), RangeError);
  assert.throws(() => binaryRocAuc([true, false], [Number.NaN, 1]), RangeError);
});

Deno.test("argmax takes the first maximum, like numpy", () => {
  assert.deepEqual(argmaxRows([[0.2, 0.4, 0.4], [1, 0, 0], [0, 0, 1]]), [1, 0, 2]);
});
