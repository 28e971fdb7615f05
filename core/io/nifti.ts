/**
 * NIfTI-1 volumes (`.nii`, `.nii.gz`): headers read and written with `nifti-reader-js`,
 * gzip by `node:zlib` (which, unlike a lenient inflater, reports truncated streams).
 *
 * Voxel values are returned with the header's scaling (`scl_slope`, `scl_inter`) applied and
 * in the file's order (`i` fastest, then `j`, then `k`): slice `k` is a row-major image with
 * `dims[1]` rows and `dims[0]` columns, as SimpleITK (and so the SSL4MIS h5 files) lay it out.
 * The geometry (spacing, qform, sform) is kept so results are written back in the source space.
 *
 * @module
 */
import * as nifti from "nifti-reader-js";
import { gunzipSync, gzipSync } from "node:zlib";
import { CampriorError } from "../util/errors.ts";
import { readBytes } from "./read_file.ts";

/** Orientation and spacing of a volume, as the NIfTI header gives them. */
export interface NiftiGeometry {
  /** Voxel size along `i`, `j`, `k` (mm when `xyztUnits` says so). */
  readonly spacing: readonly [number, number, number];
  /** `xyzt_units` byte (2 = mm). */
  readonly xyztUnits: number;
  readonly qformCode: number;
  readonly sformCode: number;
  /** `quatern_b`, `quatern_c`, `quatern_d`. */
  readonly quatern: readonly [number, number, number];
  /** `qoffset_x`, `qoffset_y`, `qoffset_z`. */
  readonly qoffset: readonly [number, number, number];
  /** `pixdim[0]`: +1 or −1, the handedness of the qform. */
  readonly qfac: number;
  /** The 4×4 voxel-to-world matrix the reader derived (sform rows when `sformCode > 0`). */
  readonly affine: readonly (readonly number[])[];
}

/** A NIfTI volume: its first three dimensions and scaled voxel values. */
export interface NiftiVolume {
  /** Size along `i`, `j`, `k` (a 4-D file keeps its time points stacked after `k`). */
  readonly dims: readonly [number, number, number];
  /** Number of 3-D volumes stacked in the file (`dims[4]`, 1 for 3-D files). */
  readonly frames: number;
  /** Values in file order (`i` fastest), scaling applied. */
  readonly data: Float32Array;
  /** NIfTI datatype code of the stored values (2 = uint8, 4 = int16, 16 = float32 …). */
  readonly datatype: number;
  readonly geometry: NiftiGeometry;
}

type VoxelArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Typed-array constructors of the datatypes this module reads and writes, by NIfTI code. */
const DATATYPES: Readonly<
  Record<number, { new (buffer: ArrayBuffer): VoxelArray; BYTES_PER_ELEMENT: number }>
> = {
  2: Uint8Array,
  256: Int8Array,
  4: Int16Array,
  512: Uint16Array,
  8: Int32Array,
  768: Uint32Array,
  16: Float32Array,
  64: Float64Array,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `size`-byte element, in place. */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** The NIfTI datatype codes {@linkcode writeNifti} can store. */
export const NIFTI_TYPES = { uint8: 2, int16: 4, float32: 16 } as const;

/** Reads a `.nii` or `.nii.gz` file; every problem is a {@linkcode CampriorError} naming it. */
export async function readNifti(path: string): Promise<NiftiVolume> {
  return decodeNifti(await readBytes(path), path);
}

/** Decodes NIfTI-1 bytes (gzip or not); `source` names the file in error messages. */
export function decodeNifti(bytes: Uint8Array, source: string): NiftiVolume {
  const raw = gunzipIfNeeded(bytes, source);
  if (!nifti.isNIFTI1(raw)) {
    const what = nifti.isNIFTI2(raw) ? "NIfTI-2 is not supported" : "not a NIfTI-1 file";
    throw new CampriorError(`${source}: ${what} (bad header magic)`);
  }
  const header = nifti.readHeader(raw) as nifti.NIFTI1;
  const type = DATATYPES[header.datatypeCode];
  if (!type) {
    throw new CampriorError(`${source}: unsupported NIfTI datatype ${header.datatypeCode}`);
  }
  const size = type.BYTES_PER_ELEMENT;
  const dims = [1, 2, 3].map((d) => Math.max(1, header.dims[d])) as [number, number, number];
  const frames = header.dims[0] >= 4 ? Math.max(1, header.dims[4]) : 1;
  const count = dims[0] * dims[1] * dims[2] * frames;
  const offset = header.vox_offset;
  if (raw.byteLength < offset + count * size) {
    throw new CampriorError(
      `${source}: file is truncated: header promises ${count} voxels of ${size} bytes ` +
        `after byte ${offset}, file has ${raw.byteLength} bytes`,
    );
  }
  const voxels = new Uint8Array(raw, offset, count * size).slice();
  if (header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(voxels, size);
  const data = Float32Array.from(new type(voxels.buffer));
  const slope = header.scl_slope === 0 || !Number.isFinite(header.scl_slope) ? 1 : header.scl_slope;
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  if (slope !== 1 || inter !== 0) {
    for (let i = 0; i < count; i++) data[i] = data[i] * slope + inter;
  }
  return { dims, frames, data, datatype: header.datatypeCode, geometry: geometryOf(header) };
}

function gunzipIfNeeded(bytes: Uint8Array, source: string): ArrayBuffer {
  const buffer = bytes.slice().buffer;
  if (!nifti.isCompressed(buffer)) return buffer;
  try {
    const out = gunzipSync(bytes);
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  } catch (error) {
    throw new CampriorError(
      `${source}: corrupt or truncated gzip data (${(error as Error).message})`,
    );
  }
}

function geometryOf(header: nifti.NIFTI1): NiftiGeometry {
  return {
    spacing: [header.pixDims[1], header.pixDims[2], header.pixDims[3]],
    xyztUnits: header.xyzt_units,
    qformCode: header.qform_code,
    sformCode: header.sform_code,
    quatern: [header.quatern_b, header.quatern_c, header.quatern_d],
    qoffset: [header.qoffset_x, header.qoffset_y, header.qoffset_z],
    qfac: header.pixDims[0] === -1 ? -1 : 1,
    affine: header.affine.map((row) => [...row]),
  };
}

/** A geometry with the given spacing (mm), no rotation and the origin at voxel 0. */
export function simpleGeometry(spacing: readonly [number, number, number]): NiftiGeometry {
  return {
    spacing,
    xyztUnits: 2,
    qformCode: 1,
    sformCode: 1,
    quatern: [0, 0, 0],
    qoffset: [0, 0, 0],
    qfac: 1,
    affine: [[spacing[0], 0, 0, 0], [0, spacing[1], 0, 0], [0, 0, spacing[2], 0], [0, 0, 0, 1]],
  };
}

/** What {@linkcode encodeNifti} stores. */
export interface NiftiContent {
  readonly dims: readonly [number, number, number];
  /** Values in file order; they must fit the datatype (they are rounded for integer types). */
  readonly data: ArrayLike<number>;
  readonly geometry: NiftiGeometry;
  /** One of {@linkcode NIFTI_TYPES}' codes. */
  readonly datatype: number;
  /** Free text of up to 79 ASCII characters. */
  readonly description?: string;
}

/**
 * NIfTI-1 bytes (single `.nii` file, little-endian, no scaling), gzipped when `gzip`
 * (`level` 1 = fastest … 9 = smallest).
 */
export function encodeNifti(content: NiftiContent, gzip: boolean, level = 6): Uint8Array {
  const type = DATATYPES[content.datatype];
  const count = content.dims[0] * content.dims[1] * content.dims[2];
  if (!type) throw new CampriorError(`cannot write NIfTI datatype ${content.datatype}`);
  if (content.data.length !== count) {
    throw new CampriorError(
      `cannot write NIfTI: ${content.data.length} values for dims ${content.dims.join("×")}`,
    );
  }
  const header = headerFor(content, type.BYTES_PER_ELEMENT);
  const values = new type(new ArrayBuffer(count * type.BYTES_PER_ELEMENT));
  const integer = !(values instanceof Float32Array || values instanceof Float64Array);
  for (let i = 0; i < count; i++) {
    values[i] = integer ? Math.round(content.data[i]) : content.data[i];
  }
  const voxels = new Uint8Array(values.buffer);
  if (!HOST_LITTLE_ENDIAN) swapBytes(voxels, type.BYTES_PER_ELEMENT);
  const out = new Uint8Array(header.vox_offset + voxels.length);
  out.set(new Uint8Array(header.toArrayBuffer()).subarray(0, header.vox_offset));
  out.set(voxels, header.vox_offset);
  return gzip ? gzipSync(out, { level }) : out;
}

function headerFor(content: NiftiContent, bytes: number): nifti.NIFTI1 {
  const { geometry: g, dims } = content;
  const header = new nifti.NIFTI1();
  header.littleEndian = true;
  header.dims = [3, dims[0], dims[1], dims[2], 1, 1, 1, 1];
  header.datatypeCode = content.datatype;
  header.numBitsPerVoxel = bytes * 8;
  header.pixDims = [g.qfac, g.spacing[0], g.spacing[1], g.spacing[2], 0, 0, 0, 0];
  header.vox_offset = 352;
  header.scl_slope = 1;
  header.scl_inter = 0;
  header.xyzt_units = g.xyztUnits;
  header.description = (content.description ?? "camprior").replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 79);
  header.aux_file = "";
  header.intent_name = "";
  header.qform_code = g.qformCode;
  header.sform_code = g.sformCode;
  [header.quatern_b, header.quatern_c, header.quatern_d] = g.quatern;
  [header.qoffset_x, header.qoffset_y, header.qoffset_z] = g.qoffset;
  header.affine = g.affine.map((row) => [...row]);
  header.magic = "n+1";
  return header;
}

/** Writes a NIfTI-1 file; gzip-compressed (at `level`) when the path ends in `.gz`. */
export async function writeNifti(path: string, content: NiftiContent, level = 6): Promise<void> {
  await Deno.writeFile(path, encodeNifti(content, path.endsWith(".gz"), level));
}
