/**
 * `tiny`: a handful of synthetic short-axis slices made in code, for tests and smoke runs.
 * A disc (LV), a ring (myocardium) and a crescent (RV) whose sizes depend on the
 * diagnosis, at a random position, with noise. For realistic data use `synthetic`.
 *
 * @module
 */
import { z } from "zod";
import {
  type Cohort,
  definePlugin,
  DIAGNOSES,
  type Diagnosis,
  normal,
  type Phase,
  type Random,
  seededRandom,
  type Slice,
} from "../../mod.ts";

const options = z.strictObject({
  patientsPerGroup: z.number().int().min(1).max(100).default(4)
    .describe("patients per diagnostic group (5 groups)"),
  size: z.number().int().min(16).max(256).default(32).describe(
    "side of the square slices in pixels",
  ),
});

/** Radii (fractions of the image side) of LV cavity, wall and RV per diagnosis. */
const ANATOMY: Record<Diagnosis, { lv: number; wall: number; rv: number }> = {
  NOR: { lv: 0.12, wall: 0.05, rv: 0.1 },
  MINF: { lv: 0.14, wall: 0.035, rv: 0.1 },
  DCM: { lv: 0.18, wall: 0.03, rv: 0.1 },
  HCM: { lv: 0.08, wall: 0.09, rv: 0.09 },
  RV: { lv: 0.11, wall: 0.05, rv: 0.17 },
};

const INTENSITY = [0.15, 0.7, 0.35, 0.85];

function drawSlice(
  size: number,
  group: Diagnosis,
  phase: Phase,
  random: Random,
): { image: Float32Array; label: Uint8Array } {
  const a = ANATOMY[group];
  const shrink = phase === "ES" ? 0.8 : 1;
  const cx = size * (0.4 + 0.2 * random()), cy = size * (0.4 + 0.2 * random());
  const lv = a.lv * size * shrink, myo = lv + a.wall * size, rv = a.rv * size * shrink;
  const rvx = cx - (myo + rv * 0.6), rvy = cy;
  const image = new Float32Array(size * size);
  const label = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - cx, y - cy), drv = Math.hypot(x - rvx, y - rvy);
      const value = d < lv ? 3 : d < myo ? 2 : drv < rv ? 1 : 0;
      label[y * size + x] = value;
      image[y * size + x] = INTENSITY[value] + 0.05 * normal(random);
    }
  }
  return { image, label };
}

/** Generates the tiny cohort: every patient gets an ED and an ES slice. */
export function tinyCohort(patientsPerGroup: number, size: number, seed: number): Cohort {
  const random = seededRandom(seed);
  const patients = DIAGNOSES.flatMap((group, g) =>
    Array.from({ length: patientsPerGroup }, (_, i) => ({
      id: `tiny${String(g * patientsPerGroup + i + 1).padStart(3, "0")}`,
      group,
    }))
  );
  const slices: Slice[] = patients.flatMap((patient) =>
    (["ED", "ES"] as const).map((phase) => ({
      patientId: patient.id,
      group: patient.group,
      phase,
      sliceIndex: 0,
      height: size,
      width: size,
      ...drawSlice(size, patient.group, phase, random),
    }))
  );
  return { patients, slices };
}

/** The `tiny` dataset plugin. */
export const tinyDatasetPlugin = definePlugin({
  kind: "dataset",
  name: "tiny",
  description: "a few synthetic slices made in code (smoke tests); see `synthetic` for more",
  version: "1",
  options,
  create: (opts, ctx) => ({
    load: () => Promise.resolve(tinyCohort(opts.patientsPerGroup, opts.size, ctx.seed)),
  }),
});
