import assert from "node:assert/strict";
import { join } from "node:path";
import {
  frameName,
  INVALID_LABEL,
  labelBytes,
  readAcdcFolder,
  shapeMismatch,
  volumeToSlices,
} from "../plugins/dataset/formats/acdc_layout.ts";
import { guardSlices } from "../core/steps/data/slice_guards.ts";
import { encodeNifti, readNifti, simpleGeometry } from "../plugins/dataset/formats/nifti.ts";
import { rejectsWith, throwsWith, withTempDir, writeSmallAcdc } from "./acdc_fixtures.ts";

/** A small ACDC folder in a temporary directory, changed by `spoil` before the test. */
async function withAcdc(fn: (dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    await writeSmallAcdc(dir);
    await fn(dir);
  });
}

const ED = (dir: string, id = "patient001") => join(dir, id, `${frameName(id, 1)}.nii.gz`);
const ED_GT = (dir: string, id = "patient001") => join(dir, id, `${frameName(id, 1)}_gt.nii.gz`);

Deno.test("acdc_layout: reads every patient, both phases, every slice, with spacing", async () => {
  await withAcdc(async (dir) => {
    const cohort = await readAcdcFolder(dir);
    assert.deepEqual(cohort.patients.map((p) => p.group), ["DCM", "HCM", "MINF", "NOR", "RV"]);
    assert.equal(cohort.slices.length, 5 * 2 * 3);
    assert.equal(cohort.predefinedSplit, undefined);
    for (const slice of cohort.slices) {
      assert.equal(slice.image.length, slice.height * slice.width);
      assert.ok(slice.spacing && slice.spacing[0] > 1 && slice.spacing[0] === slice.spacing[1]);
    }
    const phases = cohort.slices.filter((s) => s.patientId === "patient001").map((s) => s.phase);
    assert.deepEqual(phases, ["ED", "ED", "ED", "ES", "ES", "ES"]);
  });
});

/** Moves a patient folder to `to/newId`, renaming its files. */
async function movePatient(from: string, to: string, id: string, newId: string): Promise<void> {
  await Deno.mkdir(join(to, newId), { recursive: true });
  for await (const entry of Deno.readDir(join(from, id))) {
    await Deno.rename(join(from, id, entry.name), join(to, newId, entry.name.replace(id, newId)));
  }
  await Deno.remove(join(from, id));
}

Deno.test("acdc_layout: training/ and testing/ folders become a predefined split", async () => {
  await withTempDir(async (dir) => {
    const training = join(dir, "training"), testing = join(dir, "testing");
    await writeSmallAcdc(training);
    await movePatient(training, testing, "patient005", "patient101");
    const cohort = await readAcdcFolder(dir);
    assert.deepEqual(cohort.predefinedSplit, {
      train: ["patient001", "patient002", "patient003", "patient004"],
      val: [],
      test: ["patient101"],
    });
    assert.equal(cohort.patients.length, 5);
    await writeSmallAcdc(join(dir, "again"));
    await movePatient(join(dir, "again"), testing, "patient001", "patient001");
    await rejectsWith(() => readAcdcFolder(dir), "patient001 is in both training and testing");
  });
});

Deno.test("acdc_layout: a root without patient folders is explained", async () => {
  await withTempDir(async (dir) => {
    await rejectsWith(() => readAcdcFolder(dir), `${dir}: no ACDC patient folders`);
  });
  await rejectsWith(
    () => readAcdcFolder("/nonexistent/acdc"),
    "/nonexistent/acdc: data folder not found",
  );
});

Deno.test("acdc_layout: a missing Info.cfg is named", async () => {
  await withAcdc(async (dir) => {
    const path = join(dir, "patient002", "Info.cfg");
    await Deno.remove(path);
    await rejectsWith(() => readAcdcFolder(dir), `${path}: Info.cfg not found`);
  });
});

Deno.test("acdc_layout: an Info.cfg without Group is named", async () => {
  await withAcdc(async (dir) => {
    const path = join(dir, "patient003", "Info.cfg");
    await Deno.writeTextFile(path, "ED: 1\nES: 10\n");
    await rejectsWith(() => readAcdcFolder(dir), `${path}: missing "Group"`);
  });
});

Deno.test("acdc_layout: a missing image or label file is named", async () => {
  await withAcdc(async (dir) => {
    await Deno.remove(ED_GT(dir));
    await rejectsWith(() => readAcdcFolder(dir), `${ED_GT(dir)}: file not found`);
  });
});

Deno.test("acdc_layout: a corrupt file and a truncated gzip are named", async () => {
  await withAcdc(async (dir) => {
    const bytes = await Deno.readFile(ED(dir));
    await Deno.writeFile(ED(dir), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await rejectsWith(() => readAcdcFolder(dir), `${ED(dir)}: corrupt or truncated gzip data`);
    await Deno.writeTextFile(
      ED(dir),
      "not an image at all, just text that is long enough ".repeat(10),
    );
    await rejectsWith(() => readAcdcFolder(dir), `${ED(dir)}: not a NIfTI-1 file`);
  });
});

Deno.test("acdc_layout: image/label shape mismatch names both files, per slice", async () => {
  await withAcdc(async (dir) => {
    const label = await readNifti(ED_GT(dir));
    const [w, h, d] = label.dims;
    const smaller = encodeNifti({
      dims: [w, h, d - 1],
      data: label.data.subarray(0, w * h * (d - 1)),
      geometry: label.geometry,
      datatype: 2,
    }, true);
    await Deno.writeFile(ED_GT(dir), smaller);
    const cohort = await readAcdcFolder(dir);
    throwsWith(
      () => guardSlices(cohort),
      `${ED(dir)}: slice 0 (patient001 ED): image/label shape mismatch: label ${
        ED_GT(dir)
      } has shape ${d - 1}×${h}×${w}×1, image ${ED(dir)} ${d}×${h}×${w}×1`,
    );
    assert.equal(guardSlices(cohort, "drop").rejected.length, d, "every slice of the frame");
  });
});

Deno.test("acdc_layout: unknown label values are named", async () => {
  await withAcdc(async (dir) => {
    const label = await readNifti(ED_GT(dir));
    const data = label.data.slice();
    data[7] = 5;
    const geometry = simpleGeometry(label.geometry.spacing);
    await Deno.writeFile(
      ED_GT(dir),
      encodeNifti({ dims: label.dims, data, geometry, datatype: 2 }, true),
    );
    const cohort = await readAcdcFolder(dir);
    const slice = Math.floor(7 / (label.dims[0] * label.dims[1]));
    throwsWith(
      () => guardSlices(cohort),
      `${ED_GT(dir)}: slice ${slice} (patient001 ED): label value 5 out of range 0..3`,
    );
  });
});

Deno.test("acdc_layout: checks and slicing helpers", () => {
  assert.deepEqual([...labelBytes([0, 1, 2, 3])], [0, 1, 2, 3]);
  assert.deepEqual([...labelBytes([0, 1.5, -1, 7, 300])], [
    0,
    INVALID_LABEL,
    INVALID_LABEL,
    7,
    INVALID_LABEL,
  ]);
  assert.equal(
    shapeMismatch({ shape: [2, 3], source: "a" }, { shape: [3, 2], source: "b" }),
    "image/label shape mismatch: label b has shape 3×2, image a 2×3",
  );
  assert.equal(
    shapeMismatch({ shape: [2, 3], source: "a" }, { shape: [2, 3], source: "b" }),
    undefined,
  );
  const slices = volumeToSlices({
    patientId: "p",
    group: "NOR",
    phase: "ES",
    depth: 2,
    height: 1,
    width: 2,
    image: Float32Array.of(1, 2, 3, 4),
    label: Uint8Array.of(0, 1, 2, 3),
  });
  assert.deepEqual(slices.map((s) => [s.sliceIndex, [...s.image], [...s.label]]), [
    [0, [1, 2], [0, 1]],
    [1, [3, 4], [2, 3]],
  ]);
  assert.equal(slices[0].spacing, undefined);
});
