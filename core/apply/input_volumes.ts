/**
 * The volumes `predict` and `explain` read: a NIfTI file, or every NIfTI image in a folder
 * (label files `*_gt.nii*` and 4-D `*_4d.nii*` files are skipped). Files named
 * `<patient>_frameNN` are grouped by patient, so the heart crop sees both phases as the data
 * step did (the lower frame is taken as ED, or the frames an `Info.cfg` beside them names).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import type { Phase, Slice } from "../plugin/cohort.ts";
import { type NiftiGeometry, readNifti } from "../io/nifti.ts";
import { ConfigError } from "../util/errors.ts";

/** One input volume and its slices. */
export interface InputVolume {
  readonly path: string;
  /** File name without `.nii`/`.nii.gz`: the output's name. */
  readonly name: string;
  /** `[i, j, k]`: columns, rows, slices. */
  readonly dims: readonly [number, number, number];
  readonly geometry: NiftiGeometry;
  /** The volume's slices (`patientId` groups the frames of one patient). */
  readonly slices: readonly Slice[];
}

const NIFTI = /\.nii(\.gz)?$/;
const FRAME = /^(.*)_frame(\d+)$/;

/** NIfTI image files of `input` (a file, or a folder's files in name order). */
export async function inputFiles(input: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(input);
  } catch {
    throw new ConfigError(`--input ${input}: no such file or folder`);
  }
  if (info.isFile) {
    if (!NIFTI.test(input)) {
      throw new ConfigError(`--input ${input}: expected a .nii or .nii.gz file`);
    }
    return [input];
  }
  const files: string[] = [];
  for await (const entry of Deno.readDir(input)) {
    const stem = entry.name.replace(NIFTI, "");
    if (entry.isFile && NIFTI.test(entry.name) && !/_(gt|4d)$/.test(stem)) {
      files.push(join(input, entry.name));
    }
  }
  if (files.length === 0) {
    throw new ConfigError(`--input ${input}: no NIfTI images (.nii, .nii.gz) in the folder`);
  }
  return files.sort();
}

/** `patient001_frame12.nii.gz` → `{ patient: "patient001", frame: 12 }`. */
function frameOf(name: string): { patient: string; frame: number } | undefined {
  const match = FRAME.exec(name);
  return match ? { patient: match[1], frame: Number(match[2]) } : undefined;
}

/** ED and ES frames from an ACDC `Info.cfg` beside the files, if there is one. */
async function infoFrames(dir: string): Promise<{ ed?: number; es?: number }> {
  try {
    const text = await Deno.readTextFile(join(dir, "Info.cfg"));
    const value = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(text)?.[1]);
    return { ed: value("ED") || undefined, es: value("ES") || undefined };
  } catch {
    return {};
  }
}

async function phaseOf(path: string, name: string, files: readonly string[]): Promise<Phase> {
  const own = frameOf(name);
  if (!own) return "ED";
  const { ed, es } = await infoFrames(dirname(path));
  if (own.frame === es) return "ES";
  if (own.frame === ed) return "ED";
  const frames = files.map((f) => frameOf(stemOf(f))).filter((f) => f?.patient === own.patient);
  return frames.some((f) => f!.frame < own.frame) ? "ES" : "ED";
}

function stemOf(path: string): string {
  return basename(path).replace(NIFTI, "");
}

/** Reads the volumes of `input` as slices. */
export async function readInputVolumes(input: string): Promise<InputVolume[]> {
  const files = await inputFiles(input);
  const volumes: InputVolume[] = [];
  for (const path of files) {
    const volume = await readNifti(path);
    if (volume.frames > 1) {
      throw new ConfigError(`${path}: a 4-D file (${volume.frames} frames); give one 3-D frame`);
    }
    const name = stemOf(path);
    const [width, height, depth] = volume.dims;
    const [column, row] = volume.geometry.spacing;
    const phase = await phaseOf(path, name, files);
    const patientId = frameOf(name)?.patient ?? name;
    const pixels = width * height;
    const slices = Array.from({ length: depth }, (_, k): Slice => ({
      patientId,
      group: "NOR",
      phase,
      sliceIndex: k,
      height,
      width,
      image: volume.data.subarray(k * pixels, (k + 1) * pixels),
      label: new Uint8Array(pixels),
      spacing: [row, column],
    }));
    volumes.push({ path, name, dims: volume.dims, geometry: volume.geometry, slices });
  }
  return volumes;
}
