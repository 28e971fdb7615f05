import assert from "node:assert/strict";
import type { Cohort, Diagnosis, Slice } from "../core/plugin/cohort.ts";
import { formatCohortSummary, summarizeCohort } from "../core/plugin/cohort_summary.ts";
import { guardSlices, sliceProblem } from "../core/steps/data/slice_guards.ts";
import { throwsWith } from "./acdc_fixtures.ts";

function slice(patientId: string, sliceIndex: number, change: Partial<Slice> = {}): Slice {
  return {
    patientId,
    group: (patientId === "p1" ? "NOR" : "DCM") as Diagnosis,
    phase: "ED",
    sliceIndex,
    height: 2,
    width: 2,
    image: Float32Array.of(0, 1, 2, 3),
    label: Uint8Array.of(0, 1, 2, 3),
    source: `${patientId}.h5`,
    ...change,
  };
}

Deno.test("sliceProblem: NaN/Inf, constant, labels out of range, shape mismatch, reader defects", () => {
  const problem = (change: Partial<Slice>) => sliceProblem(slice("p1", 0, change));
  assert.equal(problem({}), undefined);
  assert.deepEqual(problem({ image: Float32Array.of(0, NaN, Infinity, 3) }), {
    problem: "2 of 4 pixels are NaN or infinite",
    file: "p1.h5",
  });
  assert.equal(
    problem({ image: Float32Array.of(5, 5, 5, 5) })?.problem,
    "constant image (every pixel is 5)",
  );
  assert.deepEqual(problem({ label: Uint8Array.of(0, 4, 0, 0), labelSource: "p1_gt.nii" }), {
    problem: "label value 4 out of range 0..3 (background, RV, MYO, LV) at pixel 1",
    file: "p1_gt.nii",
  });
  assert.match(
    problem({ label: Uint8Array.of(0, 1, 2) })!.problem,
    /image\/label shape mismatch: image has 4 values, label 3, expected 2×2 = 4/,
  );
  assert.equal(
    problem({ defect: "label x.nii has shape 3×2" })?.problem,
    "label x.nii has shape 3×2",
  );
});

const cohort: Cohort = {
  patients: [{ id: "p1", group: "NOR" }, { id: "p2", group: "DCM" }],
  slices: [
    slice("p1", 0),
    slice("p1", 1, { image: Float32Array.of(0, NaN, 2, 3) }),
    slice("p2", 0, { image: new Float32Array(4) }),
  ],
  predefinedSplit: { train: ["p1"], val: ["p2"], test: [] },
};

Deno.test("guardSlices fail: names each file and slice, and the drop option", () => {
  throwsWith(
    () => guardSlices(cohort),
    "2 of 3 slices failed the data checks:\n  p1.h5: slice 1 (p1 ED): 1 of 4 pixels are NaN or infinite\n" +
      "  p2.h5: slice 0 (p2 ED): constant image (every pixel is 0)\n" +
      'fix the data, or set preprocess.invalidSlices to "drop"',
  );
  assert.equal(guardSlices({ ...cohort, slices: [cohort.slices[0]] }).rejected.length, 0);
});

Deno.test("guardSlices drop: leaves bad slices and emptied patients out, counted in the summary", () => {
  const guarded = guardSlices(cohort, "drop");
  assert.deepEqual(guarded.cohort.slices.map((s) => [s.patientId, s.sliceIndex]), [["p1", 0]]);
  assert.deepEqual(guarded.cohort.patients, [{ id: "p1", group: "NOR" }]);
  assert.deepEqual(guarded.emptiedPatients, ["p2"]);
  assert.deepEqual(guarded.cohort.predefinedSplit, { train: ["p1"], val: [], test: [] });
  assert.deepEqual(guarded.rejected.map((r) => [r.source, r.sliceIndex]), [["p1.h5", 1], [
    "p2.h5",
    0,
  ]]);
  const text = formatCohortSummary(summarizeCohort(guarded.cohort, undefined, guarded.rejected));
  assert.match(text, /\ndropped\s+1\/1\s+0\/0\s+1\/1\s+0\/0\s+0\/0\s+2\/2\n/);
  assert.match(text, /1 patients, 1 slices in all; 2 slices dropped by the data checks/);
});
