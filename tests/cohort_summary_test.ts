import assert from "node:assert/strict";
import type { Cohort, Slice } from "../core/plugin/cohort.ts";
import { formatCohortSummary, summarizeCohort } from "../core/plugin/cohort_summary.ts";

const slice = (patientId: string): Slice => ({
  patientId,
  group: "NOR",
  phase: "ED",
  sliceIndex: 0,
  height: 1,
  width: 1,
  image: new Float32Array(1),
  label: new Uint8Array(1),
});

const cohort: Cohort = {
  patients: [{ id: "a", group: "NOR" }, { id: "b", group: "DCM" }, { id: "c", group: "RV" }],
  slices: [slice("a"), slice("a"), slice("b")],
  predefinedSplit: { train: ["a"], val: ["b"], test: [] },
};

Deno.test("cohort_summary: counts patients and slices per split and group", () => {
  const summary = summarizeCohort(cohort);
  assert.deepEqual(summary.splits, ["train", "val", "test", "unassigned"]);
  assert.deepEqual(summary.cells.train.NOR, { patients: 1, slices: 2 });
  assert.deepEqual(summary.cells.val.DCM, { patients: 1, slices: 1 });
  assert.deepEqual(
    summary.cells.unassigned.RV,
    { patients: 1, slices: 0 },
    "never dropped silently",
  );
  assert.equal(summary.totalPatients, 3);
  assert.equal(summary.totalSlices, 3);
});

Deno.test("cohort_summary: one set `all` without a split; a table with totals", () => {
  const summary = summarizeCohort({ patients: cohort.patients, slices: cohort.slices });
  assert.deepEqual(summary.splits, ["all"]);
  const text = formatCohortSummary(summary);
  const lines = text.split("\n");
  assert.match(lines[0], /^split\s+NOR\s+MINF\s+DCM\s+HCM\s+RV\s+total$/);
  assert.match(lines[1], /^all\s+1\/2\s+0\/0\s+1\/1\s+0\/0\s+1\/0\s+3\/3$/);
  assert.match(text, /3 patients, 3 slices in all/);
});
