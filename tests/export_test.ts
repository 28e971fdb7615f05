import assert from "node:assert/strict";
import { join } from "node:path";
import { readAcdcFolder } from "../plugins/dataset/formats/acdc_layout.ts";
import { exportLabelNifti, referenceOf, restoreLabelMap } from "../bench/export.ts";
import { readNifti, simpleGeometry } from "../plugins/dataset/formats/nifti.ts";
import { preprocessSlices } from "../core/steps/data/preprocess.ts";
import { rejectsWith, withTempDir, writeSmallAcdc } from "./acdc_fixtures.ts";

Deno.test("export: restoring a prepared label map undoes the crop and the resize", () => {
  const height = 30, width = 40;
  const label = Uint8Array.from({ length: height * width }, (_, i) => {
    const y = Math.floor(i / width), x = i % width;
    return (y - 14) ** 2 + (x - 22) ** 2 < 36 ? 3 : 0;
  });
  const slice = {
    patientId: "p",
    group: "NOR" as const,
    phase: "ED" as const,
    sliceIndex: 0,
    height,
    width,
    image: Float32Array.from(label),
    label,
  };
  for (const settings of [{ size: 24 }, { size: 24, crop: "heart" as const, cropFraction: 0.6 }]) {
    const prepared = preprocessSlices([slice], settings);
    const restored = restoreLabelMap(prepared.labels, 24, prepared.meta[0].source!);
    const agree = restored.filter((v, i) => v === label[i]).length / label.length;
    assert.ok(agree > 0.97, `${JSON.stringify(settings)}: ${agree}`);
  }
});

Deno.test("export: predictions are written in the source geometry and read back", async () => {
  await withTempDir(async (dir) => {
    await writeSmallAcdc(dir);
    const cohort = await readAcdcFolder(dir);
    const slices = cohort.slices.filter((s) => s.patientId === "patient004" && s.phase === "ED");
    const prepared = preprocessSlices(slices, { size: 32, crop: "heart", cropFraction: 0.7 });
    const predictions = prepared.meta.map((meta, i) => ({
      meta,
      map: prepared.labels.subarray(i * 32 * 32, (i + 1) * 32 * 32),
    }));
    const source = join(dir, "patient004", "patient004_frame01.nii.gz");
    const out = join(dir, "pred.nii.gz");
    await exportLabelNifti(out, predictions, 32, await referenceOf(source));
    const written = await readNifti(out), original = await readNifti(source);
    assert.deepEqual(written.dims, original.dims);
    assert.deepEqual(written.geometry, original.geometry);
    assert.equal(written.datatype, 2);
    const truth = await readNifti(join(dir, "patient004", "patient004_frame01_gt.nii.gz"));
    const heart = truth.data.filter((v) => v > 0).length;
    const hits = written.data.filter((v, i) => v > 0 && v === truth.data[i]).length;
    assert.ok(hits / heart > 0.85, `restored heart overlap ${hits / heart}`);
  });
});

Deno.test("export: mixing volumes or exporting nothing is refused", async () => {
  const meta = (patientId: string) => ({
    patientId,
    group: "NOR" as const,
    phase: "ED" as const,
    sliceIndex: 0,
    source: { height: 4, width: 4 },
  });
  const reference = { geometry: simpleGeometry([1, 1, 1]), depth: 1 };
  const map = new Uint8Array(4);
  await rejectsWith(() => exportLabelNifti("/tmp/x.nii", [], 2, reference), "no predicted slices");
  await rejectsWith(
    () =>
      exportLabelNifti(
        "/tmp/x.nii",
        [{ meta: meta("a"), map }, { meta: meta("b"), map }],
        2,
        reference,
      ),
    "predictions mix volumes (a ED and b ED)",
  );
  await rejectsWith(
    () =>
      exportLabelNifti(
        "/tmp/x.nii",
        [{ meta: { ...meta("a"), sliceIndex: 3 }, map }],
        2,
        reference,
      ),
    "slice 3 is outside the reference's 1 slices",
  );
});
