import assert from "node:assert/strict";
import {
  SegmentationConfusion,
  segmentationMetrics,
  segmentationMetricsOf,
} from "../core/metrics/segmentation.ts";

const FIXTURE = new URL("../../shared/fixtures/metrics/sklearn_metrics.json", import.meta.url);
const TOLERANCE = 1e-9;

interface SegmentationCase {
  height: number;
  width: number;
  truth: number[][];
  pred: number[][];
  iou_per_class: number[];
  dice_per_class: number[];
  sensitivity_per_class: number[];
  specificity_per_class: number[];
}

/** The sklearn cases, or undefined (with the reason printed) when the fixture is absent. */
async function loadCases(): Promise<SegmentationCase[] | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(FIXTURE)).segmentation;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.warn(`NOT CHECKED against sklearn: fixture ${FIXTURE.pathname} is missing`);
    return undefined;
  }
}

function assertAllClose(actual: readonly number[], expected: readonly number[], what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= TOLERANCE, `${what}[${i}]: ${v} vs ${expected[i]}`)
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

Deno.test("segmentation metrics match scikit-learn 1.2.1", async () => {
  const cases = await loadCases();
  if (!cases) return;
  assert.ok(cases.length > 0);
  cases.forEach((c, k) => {
    const truth = Uint8Array.from(c.truth.flat());
    assert.equal(truth.length, c.height * c.width);
    const m = segmentationMetricsOf(truth, c.pred.flat(), 4);
    assertAllClose(m.iouPerClass, c.iou_per_class, `case ${k}: IoU`);
    assertAllClose(m.dicePerClass, c.dice_per_class, `case ${k}: Dice`);
    assertAllClose(m.sensitivityPerClass, c.sensitivity_per_class, `case ${k}: sensitivity`);
    assertAllClose(m.specificityPerClass, c.specificity_per_class, `case ${k}: specificity`);
    assertAllClose([m.meanIoUWithBackground], [mean(c.iou_per_class)], `case ${k}: mean IoU`);
    assertAllClose([m.foregroundMeanIoU], [mean(c.iou_per_class.slice(1))], `case ${k}: fg IoU`);
    assertAllClose([m.foregroundMeanDice], [mean(c.dice_per_class.slice(1))], `case ${k}: fg Dice`);
  });
});

Deno.test("accumulating slices equals evaluating them together", async () => {
  const cases = await loadCases();
  if (!cases) return;
  const acc = new SegmentationConfusion(4);
  for (const c of cases) acc.add(c.truth.flat(), c.pred.flat());
  const together = segmentationMetricsOf(
    cases.flatMap((c) => c.truth.flat()),
    cases.flatMap((c) => c.pred.flat()),
    4,
  );
  assert.deepEqual(segmentationMetrics(acc), together);
  const merged = new SegmentationConfusion(4).merge(acc);
  assert.equal(merged.total, cases.reduce((n, c) => n + c.height * c.width, 0));
});

Deno.test("segmentation metrics by hand", () => {
  // truth: 0 0 1 1 2 2, pred: 0 1 1 1 2 0
  const m = segmentationMetricsOf([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
  // class 0: tp 1 fp 1 fn 1 tn 3; class 1: tp 2 fp 1 fn 0 tn 3; class 2: tp 1 fp 0 fn 1 tn 4
  assert.deepEqual(m.iouPerClass, [1 / 3, 2 / 3, 1 / 2]);
  assert.deepEqual(m.dicePerClass, [2 / 4, 4 / 5, 2 / 3]);
  assert.deepEqual(m.sensitivityPerClass, [1 / 2, 1, 1 / 2]);
  assert.deepEqual(m.specificityPerClass, [3 / 4, 3 / 4, 1]);
  assert.equal(m.meanIoUWithBackground, (1 / 3 + 2 / 3 + 1 / 2) / 3);
  assert.equal(m.foregroundMeanIoU, (2 / 3 + 1 / 2) / 2);
  assert.equal(m.foregroundMeanDice, (4 / 5 + 2 / 3) / 2);
});

Deno.test("a class absent from truth and prediction scores 0 by default, or is left out", () => {
  // classes 0 and 1 perfect, class 2 absent everywhere
  const truth = [0, 0, 1, 1];
  const byDefault = segmentationMetricsOf(truth, truth, 3);
  assert.deepEqual(byDefault.iouPerClass, [1, 1, 0]);
  assert.deepEqual(byDefault.dicePerClass, [1, 1, 0]);
  assert.deepEqual(byDefault.sensitivityPerClass, [1, 1, 0]);
  assert.deepEqual(byDefault.specificityPerClass, [1, 1, 1]);
  assert.equal(byDefault.meanIoUWithBackground, 2 / 3);
  assert.equal(byDefault.foregroundMeanIoU, 0.5);
  const excluded = segmentationMetricsOf(truth, truth, 3, { zeroDivision: Number.NaN });
  assert.ok(Number.isNaN(excluded.iouPerClass[2]));
  assert.equal(excluded.meanIoUWithBackground, 1);
  assert.equal(excluded.foregroundMeanIoU, 1);
  assert.equal(excluded.foregroundMeanDice, 1);
});

/**
 * A 128×128 short-axis-like slice (heart ≈ 4 % of the field of view, as in full-FOV cine
 * MRI): RV (1) crescent, myocardium (2) ring, LV cavity (3).
 */
function cardiacSlice(size = 128): Uint8Array {
  const labels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const lv = Math.hypot(x - 70, y - 64);
      const rv = Math.hypot(x - 56, y - 62);
      labels[y * size + x] = lv < 7 ? 3 : lv < 11 ? 2 : rv < 12 ? 1 : 0;
    }
  }
  return labels;
}

Deno.test("an all-background prediction scores ≈ 0.24 mean IoU with 4 classes", () => {
  const truth = cardiacSlice();
  const counts = [0, 0, 0, 0];
  truth.forEach((v) => counts[v]++);
  assert.ok(counts.every((n) => n > 0), `every class drawn: ${counts}`);
  const m = segmentationMetricsOf(truth, new Uint8Array(truth.length), 4);
  const background = counts[0] / truth.length;
  assert.ok(background > 0.94 && background < 0.97, `background fraction ${background}`);
  assert.deepEqual(m.iouPerClass.slice(1), [0, 0, 0]);
  assert.equal(m.iouPerClass[0], background);
  assert.equal(m.meanIoUWithBackground, background / 4);
  assert.ok(Math.abs(m.meanIoUWithBackground - 0.24) < 0.005, `${m.meanIoUWithBackground}`);
  assert.equal(m.foregroundMeanIoU, 0);
  assert.equal(m.foregroundMeanDice, 0);
});

Deno.test("segmentation accumulator rejects bad input", () => {
  assert.throws(() => new SegmentationConfusion(1), RangeError);
  const acc = new SegmentationConfusion(3);
  assert.throws(() => acc.add([0, 1], [0]), RangeError);
  assert.throws(() => acc.add([0, 3], [0, 1]), RangeError);
  assert.throws(() => acc.add([0, 0.5], [0, 1]), RangeError);
  assert.throws(() => acc.merge(new SegmentationConfusion(4)), RangeError);
});
