import assert from "node:assert/strict";
import { evaluateClassifier, type SlicePrediction } from "../core/metrics/classifier_evaluation.ts";
import { seededRandom } from "../core/util/random.ts";

function cohort(score: (truth: number, random: () => number) => number[]): SlicePrediction[] {
  const random = seededRandom(5);
  return Array.from({ length: 20 }, (_, p) => p).flatMap((p) =>
    Array.from({ length: 4 }, () => ({
      patientId: `p${p}`,
      truth: p % 5,
      probabilities: score(p % 5, random),
    }))
  );
}
const normalise = (v: number[]) => v.map((x) => x / v.reduce((a, b) => a + b, 0));

Deno.test("classifier evaluation: a perfect classifier", () => {
  const e = evaluateClassifier(
    cohort((t) => normalise([0, 1, 2, 3, 4].map((c) => c === t ? 5 : 1))),
    5,
  );
  assert.equal(e.sliceAccuracy, 1);
  assert.equal(e.patientAccuracy, 1);
  assert.equal(e.macroAuc, 1);
  assert.deepEqual(e.macroAucCi, { low: 1, high: 1 });
  assert.equal(e.patients, 20);
  assert.equal(e.majorityAccuracy, 0.2);
  assert.deepEqual(e.confusionMatrix[2], [0, 0, 16, 0, 0]);
});

Deno.test("classifier evaluation: a random classifier's AUC interval covers chance", () => {
  const e = evaluateClassifier(cohort((_, r) => normalise([r(), r(), r(), r(), r()])), 5);
  assert.ok(e.macroAucCi!.low < 0.5 && e.macroAucCi!.high > 0.5, JSON.stringify(e.macroAucCi));
});

Deno.test("classifier evaluation: a patient is judged by its mean slice probabilities", () => {
  const predictions: SlicePrediction[] = [
    { patientId: "a", truth: 0, probabilities: [0.4, 0.6] },
    { patientId: "a", truth: 0, probabilities: [0.9, 0.1] },
    { patientId: "b", truth: 1, probabilities: [0.6, 0.4] },
  ];
  const e = evaluateClassifier(predictions, 2);
  assert.equal(e.sliceAccuracy, 1 / 3);
  assert.equal(e.patientAccuracy, 0.5); // a: mean [0.65, 0.35] → 0 (right); b: wrong
});
