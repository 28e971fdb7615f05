import assert from "node:assert/strict";
import { HEART_LABELS, heartMask, populationPrior } from "../core/steps/prior/population_prior.ts";

// three 2×3 label maps: pixel 0 is heart in all three, pixel 1 in two, pixel 5 in one
const LABELS = Uint8Array.from([
  1,
  2,
  0,
  0,
  0,
  0,
  3,
  0,
  0,
  0,
  0,
  3,
  2,
  1,
  0,
  0,
  0,
  0,
]);

Deno.test("heart mask is the union of RV, MYO and LV", () => {
  assert.deepEqual(HEART_LABELS, [1, 2, 3]);
  assert.deepEqual(Array.from(heartMask([0, 1, 2, 3, 4])), [0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(heartMask([0, 1, 2, 3], [3])), [0, 0, 0, 1]);
});

Deno.test("population prior: per-pixel heart frequency over the label maps", () => {
  const prior = populationPrior(LABELS, 2, 3);
  assert.equal(prior.height, 2);
  assert.equal(prior.width, 3);
  assert.deepEqual(
    Array.from(prior.data),
    Array.from(Float32Array.from([1, 2 / 3, 0, 0, 0, 1 / 3])),
  );
  assert.deepEqual(Array.from(LABELS.subarray(0, 2)), [1, 2], "input unchanged");
});

Deno.test("population prior: thresholded, and other heart labels", () => {
  assert.deepEqual(Array.from(populationPrior(LABELS, 2, 3, { threshold: 0.5 }).data), [
    1,
    1,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual(Array.from(populationPrior(LABELS, 2, 3, { threshold: 1 / 3 }).data), [
    1,
    1,
    0,
    0,
    0,
    1,
  ]);
  const lv = populationPrior(LABELS, 2, 3, { heartLabels: [3] });
  assert.deepEqual(Array.from(lv.data), Array.from(Float32Array.from([1 / 3, 0, 0, 0, 0, 1 / 3])));
});

Deno.test("population prior: a stack that is not whole maps is rejected", () => {
  assert.throws(() => populationPrior(LABELS, 4, 4), RangeError);
  assert.throws(() => populationPrior([], 2, 3), RangeError);
});
