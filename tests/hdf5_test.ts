import assert from "node:assert/strict";
import { join } from "node:path";
import { readH5Datasets } from "../plugins/dataset/formats/hdf5.ts";
import { ACDC_DIR, haveAcdc, rejectsWith, withTempDir, writeH5 } from "./acdc_fixtures.ts";

Deno.test("hdf5: reads the gzip-compressed image and label of a real ACDC slice", async () => {
  if (!(await haveAcdc("hdf5 real slice"))) return;
  const path = join(ACDC_DIR, "h5", "patient003_frame01_slice_1.h5");
  const { image, label } = await readH5Datasets(path, ["image", "label"]);
  assert.equal(image.shape.length, 2);
  assert.deepEqual(label.shape, image.shape);
  assert.ok(image.data instanceof Float32Array);
  assert.ok(label.data instanceof Uint8Array);
  assert.equal(image.data.length, image.shape[0] * image.shape[1]);
  const max = image.data.reduce((a, b) => Math.max(a, b), 0);
  assert.ok(max > 0 && max <= 1, `intensities are min-max scaled, max ${max}`);
});

Deno.test("hdf5: writes and reads back 3-D datasets", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "v.h5");
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 10);
    await writeH5(path, { shape: [2, 3, 4], data }, { shape: [2, 3, 4] });
    const { image, label } = await readH5Datasets(path, ["image", "label"]);
    assert.deepEqual(image.shape, [2, 3, 4]);
    assert.deepEqual([...image.data], [...data]);
    assert.deepEqual(label.shape, [2, 3, 4]);
  });
});

Deno.test("hdf5: a missing file names the file", async () => {
  await rejectsWith(
    () => readH5Datasets("/nonexistent/a.h5", ["image"]),
    "/nonexistent/a.h5: file not found",
  );
});

Deno.test("hdf5: a file that is not HDF5 says so", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "junk.h5");
    await Deno.writeTextFile(path, "this is not an HDF5 file");
    await rejectsWith(() => readH5Datasets(path, ["image"]), `${path}: not an HDF5 file`);
  });
});

Deno.test("hdf5: a truncated file is reported as corrupt or truncated", async () => {
  await withTempDir(async (dir) => {
    const whole = join(dir, "whole.h5"), cut = join(dir, "cut.h5");
    await writeH5(whole, { shape: [64, 64] }, { shape: [64, 64] });
    const bytes = await Deno.readFile(whole);
    await Deno.writeFile(cut, bytes.subarray(0, 1200));
    await rejectsWith(() => readH5Datasets(cut, ["image", "label"]), `${cut}: cannot`);
    await rejectsWith(() => readH5Datasets(cut, ["image", "label"]), "corrupt or truncated");
  });
});

Deno.test("hdf5: a missing dataset is named with those present", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "v.h5");
    await writeH5(path, { shape: [2, 2] }, { shape: [2, 2] });
    await rejectsWith(
      () => readH5Datasets(path, ["mask"]),
      `${path}: no dataset "mask" (datasets: image, label)`,
    );
  });
});
