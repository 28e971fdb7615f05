import assert from "node:assert/strict";
import { join } from "node:path";
import type { Cohort, Slice } from "../core/plugin/cohort.ts";
import type { CropBox } from "../core/steps/data/heart_crop.ts";
import {
  cropBoxes,
  normalizeIntensities,
  preprocessSlices,
  resolvePreprocess,
} from "../core/steps/data/preprocess.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { acdcH5DatasetPlugin } from "../plugins/dataset/acdc_h5.ts";
import { syntheticDatasetPlugin } from "../plugins/dataset/synthetic.ts";
import { ACDC_DIR, haveAcdc, throwsWith, withTempDir } from "./acdc_fixtures.ts";

Deno.test("preprocess: percentile clip then scaling to [0, 1]", () => {
  const ramp = Float32Array.from({ length: 1000 }, (_, i) => i);
  ramp[999] = 1e6; // an outlier must not squash the rest
  const out = normalizeIntensities(ramp);
  assert.equal(out[0], 0);
  assert.equal(out[999], 1);
  assert.ok(out[500] > 0.45 && out[500] < 0.55, `mid value ${out[500]}`);
  for (let i = 1; i < out.length; i++) assert.ok(out[i] >= out[i - 1]);
  assert.deepEqual([...normalizeIntensities(new Float32Array(4).fill(3))], [0, 0, 0, 0]);
  const narrow = normalizeIntensities(ramp, [40, 60]);
  assert.equal(narrow[300], 0);
  assert.equal(narrow[700], 1);
});

function slice(height: number, width: number, spacing?: [number, number]): Slice {
  return {
    patientId: "p",
    group: "NOR",
    phase: "ED",
    sliceIndex: 0,
    height,
    width,
    image: Float32Array.from({ length: height * width }, (_, i) => i % 7),
    label: Uint8Array.from({ length: height * width }, (_, i) => i % 4),
    ...(spacing ? { spacing } : {}),
  };
}

Deno.test("preprocess: without a crop every slice is resized whole", () => {
  const prepared = preprocessSlices([slice(20, 30), slice(12, 12)], { size: 16 });
  assert.equal(prepared.count, 2);
  assert.equal(prepared.images.length, 2 * 256);
  assert.ok(prepared.labels.every((v) => v <= 3));
  assert.ok(prepared.images.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(prepared.meta[0].source, { height: 20, width: 30 });
});

Deno.test("preprocess: center and spacing crops size the box as asked", () => {
  const settings = resolvePreprocess({ size: 64, crop: "center", cropFraction: 0.5 });
  const [box] = cropBoxes([slice(100, 80)], [new Float32Array(8000)], settings);
  assert.deepEqual(box, { top: 30, left: 20, side: 40 });
  const mm = resolvePreprocess({ size: 64, crop: "center", spacing: 1.5 });
  const [withSpacing, without] = cropBoxes(
    [slice(100, 80, [2, 2]), slice(100, 80)],
    [new Float32Array(8000), new Float32Array(8000)],
    mm,
  );
  assert.equal(withSpacing!.side, 48, "64 px × 1.5 mm / 2 mm");
  assert.equal(without!.side, Math.round(0.65 * 80), "no spacing: the default fraction");
});

Deno.test("preprocess: bad clip percentiles are explained", () => {
  throwsWith(
    () => resolvePreprocess({ size: 8, clip: [60, 40] }),
    "preprocess.clip: expected 0 <= low < high <= 100",
  );
});

/** Per patient, the share of heart pixels (labels 1–3) inside the box (labels only judge). */
function heartCoverage(cohort: Cohort, boxes: readonly (CropBox | undefined)[]): number[] {
  const byPatient = new Map<string, { inside: number; all: number }>();
  cohort.slices.forEach((s, i) => {
    const box = boxes[i]!;
    const tally = byPatient.get(s.patientId) ?? { inside: 0, all: 0 };
    for (let p = 0; p < s.label.length; p++) {
      if (s.label[p] === 0) continue;
      const y = Math.floor(p / s.width), x = p % s.width;
      tally.all++;
      if (y >= box.top && y < box.top + box.side && x >= box.left && x < box.left + box.side) {
        tally.inside++;
      }
    }
    byPatient.set(s.patientId, tally);
  });
  return [...byPatient.values()].map((t) => t.inside / t.all);
}

function heartBoxes(cohort: Cohort) {
  const settings = resolvePreprocess({ size: 64, crop: "heart" });
  const normalised = cohort.slices.map((s) => normalizeIntensities(s.image));
  return cropBoxes(cohort.slices, normalised, settings);
}

Deno.test("preprocess: the label-free heart crop keeps the heart of synthetic patients", async () => {
  await withTempDir(async (workDir) => {
    const context = { seed: 2, workDir, log: memoryLogger(), signal: new AbortController().signal };
    const plugin = await syntheticDatasetPlugin.create(
      syntheticDatasetPlugin.options.parse({}),
      context,
    );
    const cohort = await plugin.load();
    const coverage = heartCoverage(cohort, heartBoxes(cohort));
    const good = coverage.filter((c) => c >= 0.95).length;
    console.log(
      `synthetic: ${good}/${coverage.length} patients with ≥95% of the heart in the crop`,
    );
    assert.ok(good >= 0.9 * coverage.length, `coverage ${coverage.map((c) => c.toFixed(2))}`);
  });
});

Deno.test("preprocess: the label-free heart crop keeps the heart of real ACDC patients", async () => {
  if (!(await haveAcdc("preprocess heart crop on real data"))) return;
  await withTempDir(async (dir) => {
    // The 10 validation patients (both phases) and one 2-D-sliced training patient.
    await Deno.writeTextFile(join(dir, "one.list"), "patient099_frame01\npatient099_frame02\n");
    const lists = { train: join(ACDC_DIR, "val.list"), val: join(dir, "one.list") };
    const options = acdcH5DatasetPlugin.options.parse({ root: ACDC_DIR, lists });
    const context = {
      seed: 1,
      workDir: dir,
      log: memoryLogger(),
      signal: new AbortController().signal,
    };
    const cohort = await (await acdcH5DatasetPlugin.create(options, context)).load();
    const coverage = heartCoverage(cohort, heartBoxes(cohort));
    const good = coverage.filter((c) => c >= 0.95).length;
    console.log(`ACDC: ${good}/${coverage.length} patients with ≥95% of the heart in the crop`);
    assert.ok(good >= coverage.length - 1, `coverage ${coverage.map((c) => c.toFixed(2))}`);
  });
});

Deno.test("preprocess: heart-cropped slices keep labels exact and record the box", () => {
  const s = slice(40, 40);
  const prepared = preprocessSlices([s, { ...s, phase: "ES" }], {
    size: 20,
    crop: "center",
    cropFraction: 0.5,
  });
  const box = prepared.meta[0].source!.crop!;
  assert.deepEqual(box, { top: 10, left: 10, side: 20 });
  // 20 px box → 20 px output: nearest labels are the box's labels.
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 20; x++) {
      assert.equal(prepared.labels[y * 20 + x], s.label[(y + 10) * 40 + x + 10]);
    }
  }
});
