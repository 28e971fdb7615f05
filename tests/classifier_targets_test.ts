import assert from "node:assert/strict";
import type { SliceMeta } from "../core/steps/data/prepared.ts";
import {
  stackThird,
  TARGET_CLASSES,
  targetLabels,
  targetUnits,
} from "../core/steps/classifier/classifier_targets.ts";

const META: SliceMeta[] = [
  ...[0, 1, 2, 3, 4, 5].map((k) =>
    ({ patientId: "p1", group: "HCM", phase: "ED", sliceIndex: k }) as const
  ),
  ...[0, 1, 2].map((k) => ({ patientId: "p2", group: "RV", phase: "ES", sliceIndex: k }) as const),
];

Deno.test("classifier targets: diagnosis is the group's class index", () => {
  assert.deepEqual(targetLabels(META, "diagnosis"), [3, 3, 3, 3, 3, 3, 4, 4, 4]);
  assert.deepEqual(TARGET_CLASSES.diagnosis, ["NOR", "MINF", "DCM", "HCM", "RV"]);
});

Deno.test("classifier targets: phase is ED 0, ES 1 (free)", () => {
  assert.deepEqual(targetLabels(META, "phase"), [0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(TARGET_CLASSES.phase, ["ED", "ES"]);
});

Deno.test("classifier targets: position is the third of the stack, base first (free)", () => {
  assert.deepEqual(targetLabels(META, "position"), [0, 0, 1, 1, 2, 2, 0, 1, 2]);
  assert.deepEqual(TARGET_CLASSES.position, ["basal", "mid", "apical"]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((k) => stackThird(k, 7)), [0, 0, 0, 1, 1, 2, 2]);
  assert.equal(stackThird(0, 1), 0);
});

Deno.test("classifier targets: units group the slices that share a label", () => {
  assert.deepEqual(new Set(targetUnits(META, "diagnosis")), new Set(["p1", "p2"]));
  assert.deepEqual(new Set(targetUnits(META, "phase")), new Set(["p1/ED", "p2/ES"]));
  assert.equal(new Set(targetUnits(META, "position")).size, 6);
});
