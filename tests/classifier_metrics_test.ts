import assert from "node:assert/strict";
import type { SliceMeta } from "../core/steps/data/prepared.ts";
import { classifierTestMetrics } from "../core/steps/classifier/classifier_metrics.ts";

const slice = (patientId: string, group: "NOR" | "DCM", phase: "ED" | "ES", k: number) =>
  ({ patientId, group, phase, sliceIndex: k }) as SliceMeta;

Deno.test("classifier metrics: a patient gets the mean of its slices' probabilities", () => {
  // p1 (NOR): two slices lean DCM a little, one is sure NOR → the mean says NOR
  // p2 (DCM): both slices lean DCM
  const meta = [
    slice("p1", "NOR", "ED", 0),
    slice("p1", "NOR", "ED", 1),
    slice("p1", "NOR", "ED", 2),
    slice("p2", "DCM", "ED", 0),
    slice("p2", "DCM", "ED", 1),
  ];
  const five = (nor: number, dcm: number) => [nor, 0, dcm, 0, 0];
  const probs = [five(0.4, 0.6), five(0.45, 0.55), five(1, 0), five(0.3, 0.7), five(0.2, 0.8)]
    .flat();
  const metrics = classifierTestMetrics(meta, probs, 5, "diagnosis");
  assert.equal(metrics.slices.count, 5);
  assert.equal(metrics.slices.accuracy, 3 / 5);
  assert.equal(metrics.units.count, 2);
  assert.equal(metrics.units.accuracy, 1);
});

Deno.test("classifier metrics: phase units are volumes, position units thirds of a volume", () => {
  const meta = [0, 1, 2].flatMap((k) => [slice("p", "NOR", "ED", k), slice("p", "NOR", "ES", k)]);
  const phase = classifierTestMetrics(
    meta,
    meta.flatMap((m) => m.phase === "ED" ? [1, 0] : [0, 1]),
    2,
    "phase",
  );
  assert.equal(phase.units.count, 2);
  assert.equal(phase.units.accuracy, 1);
  assert.equal(phase.units.rocAucMacro, 1);
  const position = classifierTestMetrics(meta, meta.flatMap(() => [1, 0, 0]), 3, "position");
  assert.equal(position.units.count, 6);
  assert.equal(position.slices.accuracy, 1 / 3);
});
