import assert from "node:assert/strict";
import {
  evaluateVolumes,
  type NativeSlice,
  patientVolumeScores,
  summarizeVolumes,
} from "../core/metrics/volume_evaluation.ts";
import { volumeMetrics } from "../core/metrics/volume_metrics.ts";
import { CampriorError } from "../core/util/errors.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/surface_distance_fixture.json", import.meta.url)),
);
const digits = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) - 48);

/** The fixture's ring-shaped heart, cut into slices of patient `id`. */
function slicesOf(id: string, phase: "ED" | "ES", spacing?: [number, number, number]) {
  const c = fixture.cases[1];
  const [d, h, w] = c.shape;
  const truth = digits(c.truth), predicted = digits(c.predicted);
  const slices: NativeSlice[] = Array.from({ length: d }, (_, k) => ({
    patientId: id,
    phase,
    sliceIndex: k,
    height: h,
    width: w,
    truth: truth.subarray(k * h * w, (k + 1) * h * w),
    predicted: predicted.subarray(k * h * w, (k + 1) * h * w),
    ...(spacing ? { spacing } : {}),
  }));
  return { slices, truth, predicted, shape: c.shape as [number, number, number] };
}

Deno.test("volume evaluation: slices in any order rebuild the volume and score as a whole", () => {
  const spacing: [number, number, number] = [8, 1.25, 1.4];
  const a = slicesOf("p1", "ED", spacing);
  const records = evaluateVolumes([...a.slices].reverse());
  assert.equal(records.length, 1);
  const whole = volumeMetrics(
    { labels: a.truth, shape: a.shape },
    { labels: a.predicted, shape: a.shape },
    [1, 2, 3],
    spacing,
  );
  assert.deepEqual(records[0].structures, whole.structures);
  assert.equal(records[0].unit, "mm");
  assert.equal(records[0].missingSlices, 0);
  const hd95 = fixture.cases[1].structures.map((s: { hd95: number }) => s.hd95);
  records[0].structures.forEach((s, i) => assert.ok(Math.abs(s.hd95 - hd95[i]) < 1e-9));
});

Deno.test("volume evaluation: volumes per patient and phase, px without spacing, summaries", () => {
  const slices = [
    ...slicesOf("p1", "ED").slices,
    ...slicesOf("p1", "ES").slices,
    ...slicesOf("p2", "ED").slices,
  ];
  const records = evaluateVolumes(slices);
  assert.deepEqual(records.map((r) => `${r.patientId} ${r.phase}`), ["p1 ED", "p1 ES", "p2 ED"]);
  assert.ok(records.every((r) => r.unit === "px"));
  const summary = summarizeVolumes(records);
  assert.equal(summary.volumes, 3);
  assert.equal(summary.unit, "px");
  assert.ok(Math.abs(summary.foregroundDice - records[0].foregroundDice) < 1e-12);
  assert.ok(Math.abs(summary.meanHd95 - summary.hd95.reduce((a, b) => a + b) / 3) < 1e-12);
  const perPatient = patientVolumeScores(records);
  assert.deepEqual([...perPatient.keys()], ["p1", "p2"]);
});

Deno.test("volume evaluation: a missing slice is background in both and counted", () => {
  const { slices } = slicesOf("p1", "ED");
  const records = evaluateVolumes(slices.filter((s) => s.sliceIndex !== 3));
  assert.equal(records[0].missingSlices, 1);
  assert.equal(records[0].shape[0], slices.length);
});

Deno.test("volume evaluation: slices of one volume with different sizes are an error", () => {
  const { slices } = slicesOf("p7", "ES");
  const odd = { ...slices[2], height: 3, width: 3, truth: new Uint8Array(9) };
  assert.throws(
    () => evaluateVolumes([slices[0], slices[1], odd]),
    (e) => e instanceof CampriorError && /p7 ES slice 2: 3×3, but slice 0 is 24×22/.test(e.message),
  );
  assert.throws(() => evaluateVolumes([slices[0], slices[0]]), /twice/);
});
