import assert from "node:assert/strict";
import type { Slice } from "../core/plugin/cohort.ts";
import { evaluateVolumes } from "../core/metrics/volume_evaluation.ts";
import { preprocessSlices } from "../core/steps/data/preprocess.ts";
import { nativeSlices, restoreLabelMap } from "../core/steps/data/restore.ts";

/** A 3-slice volume with a disc (LV) at `(cy, cx)`, 40×48 pixels, 1.5 mm, 8 mm apart. */
function volume(cy: number, cx: number, radius: number): Slice[] {
  const height = 40, width = 48;
  return [0, 1, 2].map((k) => {
    const label = Uint8Array.from({ length: height * width }, (_, i) => {
      const y = Math.floor(i / width), x = i % width;
      return (y - cy) ** 2 + (x - cx) ** 2 < (radius - k) ** 2 ? 3 : 0;
    });
    return {
      patientId: "p1",
      group: "NOR" as const,
      phase: "ED" as const,
      sliceIndex: k,
      height,
      width,
      image: Float32Array.from(label, (v) => v / 3),
      label,
      spacing: [1.5, 1.5] as const,
      sliceSpacing: 8,
    };
  });
}

Deno.test("restore: preprocessing records spacing, so perfect predictions score ~1 in mm", () => {
  const slices = volume(20, 24, 7);
  const prepared = preprocessSlices(slices, { size: 32, crop: "center", cropFraction: 0.9 });
  assert.deepEqual(prepared.meta[0].source!.spacing, [8, 1.5, 1.5]);
  const [record] = evaluateVolumes(
    nativeSlices(prepared.meta, prepared.labels, 32, (i) => slices[i].label),
  );
  assert.equal(record.unit, "mm");
  assert.deepEqual(record.shape, [3, 40, 48]);
  assert.ok(record.structures[2].dice > 0.95, `${record.structures[2].dice}`);
  assert.ok(record.structures[2].hd95 <= 1.5 + 1e-9, `${record.structures[2].hd95}`);
});

Deno.test("restore: a crop that cuts the heart off is penalised at native resolution", () => {
  const slices = volume(6, 6, 6); // heart in the corner
  const prepared = preprocessSlices(slices, { size: 16, crop: "center", cropFraction: 0.5 });
  const [record] = evaluateVolumes(
    nativeSlices(prepared.meta, prepared.labels, 16, (i) => slices[i].label),
  );
  assert.equal(record.structures[2].predictedVoxels, 0, "nothing of it inside the crop");
  assert.equal(record.structures[2].dice, 0);
  assert.ok(Number.isNaN(record.structures[2].hd95));
});

Deno.test("restore: native labels of the wrong size name the slice", () => {
  const slices = volume(20, 24, 7);
  const prepared = preprocessSlices(slices, { size: 16 });
  assert.throws(
    () => nativeSlices(prepared.meta, prepared.labels, 16, () => new Uint8Array(5)),
    /p1 ED slice 0: 5 native labels, expected 40×48/,
  );
  assert.equal(restoreLabelMap(new Uint8Array(256), 16, { height: 40, width: 48 }).length, 1920);
});
