import assert from "node:assert/strict";
import type { Diagnosis } from "../core/plugin/cohort.ts";
import type { SliceMeta } from "../core/steps/data/prepared.ts";
import { normalizeIntensities } from "../core/steps/data/preprocess.ts";
import { syntheticPatient } from "../plugins/dataset/synthetic/cohort.ts";
import { minMaxScale, motionPriors } from "../core/steps/prior/motion_prior.ts";
import { heartMask } from "../core/steps/prior/population_prior.ts";

const SIZE = 48;

/** Two synthetic patients' slices (both phases), normalised, stacked as the pipeline does. */
function syntheticStack() {
  const options = { patientsPerGroup: 1, imageSize: SIZE, slices: 4 };
  const images: number[] = [], labels: number[] = [], meta: SliceMeta[] = [];
  for (const [id, group] of [["patient021", "HCM"], ["patient061", "NOR"]] as const) {
    const patient = syntheticPatient(id, group as Diagnosis, options, 3);
    patient.frames.forEach((frame, f) => {
      const pixels = SIZE * SIZE;
      for (let k = 0; k < frame.dims[2]; k++) {
        const raw = Float32Array.from(frame.image).subarray(k * pixels, (k + 1) * pixels);
        images.push(...normalizeIntensities(raw));
        labels.push(...frame.label.subarray(k * pixels, (k + 1) * pixels));
        meta.push({ patientId: id, group, phase: f === 0 ? "ED" : "ES", sliceIndex: k });
      }
    });
  }
  return { images: Float32Array.from(images), labels: Uint8Array.from(labels), meta };
}

Deno.test("motion prior: peaks on the synthetic heart, in [0, 1], far above chance", () => {
  const { images, labels, meta } = syntheticStack();
  const pixels = SIZE * SIZE;
  const maps = motionPriors(images, meta, SIZE);
  assert.equal(maps.length, meta.length * pixels);
  const heart = heartMask(labels);
  let inside = 0, total = 0, area = 0, peakInside = 0, peakTotal = 0;
  meta.forEach((_m, s) => {
    const map = maps.subarray(s * pixels, (s + 1) * pixels);
    assert.ok(Math.min(...map) === 0 && Math.max(...map) === 1, `slice ${s} scaled to [0, 1]`);
    let [inSum, inCount, outSum] = [0, 0, 0];
    map.forEach((v, i) => {
      const isHeart = heart[s * pixels + i] === 1;
      if (isHeart) [inSum, inCount] = [inSum + v, inCount + 1];
      else outSum += v;
      if (v >= 0.5) [peakInside, peakTotal] = [peakInside + (isHeart ? 1 : 0), peakTotal + 1];
    });
    if (inCount === 0) return;
    assert.ok(
      inSum / inCount > 1.5 * (outSum / (pixels - inCount)),
      `slice ${s}: the mean prior on the heart is over 1.5 times that off it`,
    );
  });
  for (let i = 0; i < maps.length; i++) {
    total += maps[i];
    if (heart[i]) {
      inside += maps[i];
      area++;
    }
  }
  assert.ok(peakInside / peakTotal > 0.6, "most of the prior ≥ 0.5 lies on the heart");
  assert.ok(inside / total > 2 * (area / maps.length), "mass inside the heart ≫ its area");
});

Deno.test("motion prior: both phases of a position share the map; modes differ", () => {
  const { images, meta } = syntheticStack();
  const pixels = SIZE * SIZE;
  const map = (m: Float32Array, s: number) => Array.from(m.subarray(s * pixels, (s + 1) * pixels));
  const slice = motionPriors(images, meta, SIZE, { mode: "slice" });
  const ed = meta.findIndex((m) => m.phase === "ED" && m.sliceIndex === 1);
  const es = meta.findIndex((m) =>
    m.phase === "ES" && m.sliceIndex === 1 && m.patientId === meta[ed].patientId
  );
  assert.deepEqual(map(slice, ed), map(slice, es));
  const stack = motionPriors(images, meta, SIZE, { mode: "stack" });
  assert.deepEqual(map(stack, ed), map(stack, ed + 1), "stack mode: one map per patient");
  assert.notDeepEqual(map(slice, ed), map(slice, ed + 1));
});

Deno.test("motion prior: a slice without a partner takes its patient's mean; no pair gives zeros", () => {
  const { images, meta } = syntheticStack();
  const pixels = SIZE * SIZE;
  const dropped = meta.findIndex((m) => m.phase === "ES" && m.sliceIndex === 2);
  const keep = meta.map((_m, i) => i !== dropped);
  const kept = images.filter((_v, p) => keep[Math.floor(p / pixels)]);
  const keptMeta = meta.filter((_m, i) => keep[i]);
  const orphan = keptMeta.findIndex((m) =>
    m.phase === "ED" && m.sliceIndex === 2 && m.patientId === meta[dropped].patientId
  );
  const maps = motionPriors(kept, keptMeta, SIZE, { radius: 0 });
  const stack = motionPriors(kept, keptMeta, SIZE, { radius: 0, mode: "stack" });
  const at = (m: Float32Array) => Array.from(m.subarray(orphan * pixels, (orphan + 1) * pixels));
  assert.deepEqual(at(maps), at(stack));
  const alone = motionPriors(images.subarray(0, pixels), [meta[0]], SIZE);
  assert.ok(alone.every((v) => v === 0));
});

Deno.test("minMaxScale: scales to [0, 1]; a flat map becomes 0", () => {
  assert.deepEqual(Array.from(minMaxScale(Float32Array.from([2, 4, 3]))), [0, 1, 0.5]);
  assert.deepEqual(Array.from(minMaxScale(Float32Array.from([5, 5]))), [0, 0]);
});
