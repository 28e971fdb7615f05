import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decodeNifti,
  encodeNifti,
  NIFTI_TYPES,
  readNifti,
  simpleGeometry,
  writeNifti,
} from "../plugins/dataset/formats/nifti.ts";
import { rejectsWith, throwsWith, withTempDir } from "./acdc_fixtures.ts";

const dims = [4, 3, 2] as const;
const values = Float32Array.from({ length: 24 }, (_, i) => i * 3 - 5);
const geometry = simpleGeometry([1.5, 1.25, 10]);

function niftiBytes(gzip: boolean, datatype: number = NIFTI_TYPES.int16): Uint8Array {
  return encodeNifti({ dims, data: values.map(Math.abs), geometry, datatype }, gzip);
}

Deno.test("nifti: every datatype round-trips through nifti-reader-js, with geometry", async () => {
  await withTempDir(async (dir) => {
    for (const [name, datatype] of Object.entries(NIFTI_TYPES)) {
      for (const ext of [".nii", ".nii.gz"]) {
        const path = join(dir, `${name}${ext}`);
        const data = values.map((v) => Math.abs(v) + 0.25 * (datatype === 16 ? 1 : 0));
        await writeNifti(path, { dims, data, geometry, datatype });
        const read = await readNifti(path);
        assert.deepEqual(read.dims, [4, 3, 2]);
        assert.deepEqual(read.frames, 1);
        assert.deepEqual(read.datatype, datatype);
        assert.deepEqual([...read.data], [...data]);
        assert.deepEqual(read.geometry.spacing, [1.5, 1.25, 10]);
        assert.deepEqual(read.geometry.affine, geometry.affine);
      }
    }
  });
});

Deno.test("nifti: rotated qform and offsets survive a round trip", () => {
  const rotated = {
    ...geometry,
    qformCode: 1,
    sformCode: 0,
    quatern: [0, 0, 1] as const,
    qoffset: [10, -20, 30] as const,
    qfac: -1,
  };
  const read = decodeNifti(
    encodeNifti({ dims, data: values.map(Math.abs), geometry: rotated, datatype: 4 }, false),
    "x.nii",
  );
  assert.deepEqual(read.geometry.quatern, [0, 0, 1]);
  assert.deepEqual(read.geometry.qoffset, [10, -20, 30]);
  assert.deepEqual(read.geometry.qfac, -1);
  // 180° about z: i runs towards −x, j towards −y; qfac −1 flips k.
  const rows = read.geometry.affine.map((row) => row.map((v) => v + 0)); // −0 → 0
  assert.deepEqual(rows.slice(0, 3), [[-1.5, 0, 0, 10], [0, -1.25, 0, -20], [0, 0, -10, 30]]);
});

Deno.test("nifti: scl_slope and scl_inter are applied", () => {
  const bytes = niftiBytes(false);
  const view = new DataView(bytes.buffer);
  view.setFloat32(112, 0.5, true);
  view.setFloat32(116, -1, true);
  const read = decodeNifti(bytes, "scaled.nii");
  assert.deepEqual([...read.data], [...values.map((v) => Math.abs(v) * 0.5 - 1)]);
});

Deno.test("nifti: a missing file names the file", async () => {
  await rejectsWith(
    () => readNifti("/nonexistent/x.nii.gz"),
    "/nonexistent/x.nii.gz: file not found",
  );
});

Deno.test("nifti: a file that is not NIfTI says so", () => {
  throwsWith(() => decodeNifti(new Uint8Array(400), "junk.nii"), "junk.nii: not a NIfTI-1 file");
});

Deno.test("nifti: truncated gzip is reported as such", () => {
  const bytes = niftiBytes(true);
  throwsWith(
    () => decodeNifti(bytes.subarray(0, bytes.length / 2), "cut.nii.gz"),
    "cut.nii.gz: corrupt or truncated gzip data",
  );
});

Deno.test("nifti: truncated voxel data is reported with the byte counts", () => {
  const bytes = niftiBytes(false);
  throwsWith(
    () => decodeNifti(bytes.subarray(0, bytes.length - 4), "short.nii"),
    "short.nii: file is truncated: header promises 24 voxels of 2 bytes after byte 352",
  );
});

Deno.test("nifti: an unsupported datatype is named", () => {
  const bytes = niftiBytes(false);
  new DataView(bytes.buffer).setInt16(70, 32, true); // complex64
  throwsWith(() => decodeNifti(bytes, "complex.nii"), "complex.nii: unsupported NIfTI datatype 32");
});

Deno.test("nifti: encoding refuses data that does not fit the dimensions", () => {
  throwsWith(
    () => encodeNifti({ dims, data: new Float32Array(5), geometry, datatype: 4 }, false),
    "5 values for dims 4×3×2",
  );
});
