/**
 * The ACDC conventions shared by the dataset plugins: the official folder layout
 * (`patientXXX/Info.cfg`, `patientXXX_frameYY[_gt].nii.gz`), label values 0..3, ED/ES
 * frames, and the cutting of a checked image/label volume into 2-D slices.
 *
 * @module
 */
import { join } from "node:path";
import {
  CampriorError,
  type Cohort,
  type Patient,
  type Phase,
  type PredefinedSplit,
  type Slice,
  throwIfInterrupted,
} from "../../../mod.ts";
import { formatInfoCfg, type InfoCfg, readInfoCfg } from "./info_cfg.ts";
import { NIFTI_TYPES, type NiftiGeometry, readNifti, writeNifti } from "./nifti.ts";
import { exists, fileError } from "./read_file.ts";

/** A patient folder name: `patient` and digits. */
export const PATIENT_ID = /^patient\d+$/;

/** An image and its label map, `depth` slices of `height`×`width`, checked. */
export interface LabelledVolume {
  readonly patientId: string;
  readonly group: Patient["group"];
  readonly phase: Phase;
  readonly depth: number;
  readonly height: number;
  readonly width: number;
  readonly image: Float32Array;
  readonly label: Uint8Array;
  /** In-plane spacing `[row, column]` in mm, when known. */
  readonly spacing?: readonly [number, number];
  /** Distance between slices in mm, when known. */
  readonly sliceSpacing?: number;
  /** The file its image was read from. */
  readonly source?: string;
  /** The file its label map was read from, when another one. */
  readonly labelSource?: string;
  /** Why its slices cannot be used (see {@linkcode defectiveVolume}). */
  readonly defect?: string;
}

/**
 * Stands for label values no byte holds (negative, fractional, above 254), so that the data
 * guards reject (or drop) such slices by name like any other out-of-range value.
 */
export const INVALID_LABEL = 255;

/**
 * Label values as `Uint8Array` (the same array when it already is one), unchecked: the data
 * guards check each slice. Values that are not integers 0..254 become
 * {@linkcode INVALID_LABEL}.
 */
export function labelBytes(values: ArrayLike<number>): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v >= 0 && v < INVALID_LABEL && Number.isInteger(v) ? v : INVALID_LABEL;
  }
  return out;
}

/** Why an image and its label map cannot be paired, naming both; undefined when they can. */
export function shapeMismatch(
  image: { shape: readonly number[]; source: string },
  label: { shape: readonly number[]; source: string },
): string | undefined {
  if (image.shape.join("×") === label.shape.join("×")) return undefined;
  return `image/label shape mismatch: label ${label.source} has shape ` +
    `${label.shape.join("×")}, image ${image.source} ${image.shape.join("×")}`;
}

/**
 * The volume's image with a blank label map and the reason it cannot be used, so that each
 * of its slices is rejected (or dropped) by the data guards with the reason.
 */
export function defectiveVolume(volume: LabelledVolume, defect: string): LabelledVolume {
  return { ...volume, label: new Uint8Array(volume.image.length), defect };
}

/** The 2-D slices of a volume (views of its arrays), `sliceIndex` = position in the stack. */
export function volumeToSlices(volume: LabelledVolume): Slice[] {
  const pixels = volume.height * volume.width;
  return Array.from({ length: volume.depth }, (_, k) => ({
    patientId: volume.patientId,
    group: volume.group,
    phase: volume.phase,
    sliceIndex: k,
    height: volume.height,
    width: volume.width,
    image: volume.image.subarray(k * pixels, (k + 1) * pixels),
    label: volume.label.subarray(k * pixels, (k + 1) * pixels),
    ...(volume.spacing ? { spacing: volume.spacing } : {}),
    ...(volume.sliceSpacing ? { sliceSpacing: volume.sliceSpacing } : {}),
    ...(volume.source ? { source: volume.source } : {}),
    ...(volume.labelSource ? { labelSource: volume.labelSource } : {}),
    ...(volume.defect ? { defect: volume.defect } : {}),
  }));
}

/** `patient001` → frame `1` → `patient001_frame01` (no extension). */
export function frameName(patientId: string, frame: number): string {
  return `${patientId}_frame${String(frame).padStart(2, "0")}`;
}

/** The frame number of a phase according to `Info.cfg`. */
export function frameOfPhase(info: InfoCfg, phase: Phase): number {
  return phase === "ED" ? info.ed : info.es;
}

/** Paths of a patient's frame image and ground truth (`.nii.gz`, else `.nii`). */
export async function acdcFramePaths(
  patientDir: string,
  patientId: string,
  frame: number,
): Promise<{ image: string; label: string }> {
  const base = join(patientDir, frameName(patientId, frame));
  const pick = async (stem: string) =>
    (await exists(`${stem}.nii`)) ? `${stem}.nii` : `${stem}.nii.gz`;
  return { image: await pick(base), label: await pick(`${base}_gt`) };
}

/** Options of {@linkcode readAcdcFolder}. */
export interface ReadAcdcOptions {
  /** Stops between patients when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Reads an official-layout ACDC folder: `root/patientXXX/…`, or `root/training/patientXXX`
 * and `root/testing/patientXXX` (then the split between them is kept as a predefined
 * split). Every patient folder must be complete; nothing is skipped.
 */
export async function readAcdcFolder(root: string, options: ReadAcdcOptions = {}): Promise<Cohort> {
  const sets = await patientFolders(root);
  const predefinedSplit = sets.length > 1 ? splitOfSets(sets, root) : undefined;
  const patients: Patient[] = [];
  const slices: Slice[] = [];
  for (const { dir, id } of sets.flatMap((set) => set.folders)) {
    if (options.signal) throwIfInterrupted(options.signal, `reading ${dir}`);
    const read = await readAcdcPatient(dir, id);
    patients.push(read.patient);
    slices.push(...read.slices);
  }
  return { patients, slices, ...(predefinedSplit ? { predefinedSplit } : {}) };
}

interface FolderSet {
  readonly name: string;
  readonly folders: readonly { dir: string; id: string }[];
}

async function patientFolders(root: string): Promise<FolderSet[]> {
  const direct = await listPatients(root);
  if (direct.length > 0) return [{ name: "all", folders: direct }];
  const sets: FolderSet[] = [];
  for (const name of ["training", "testing"]) {
    const dir = join(root, name);
    if (await exists(dir)) sets.push({ name, folders: await listPatients(dir) });
  }
  if (sets.every((set) => set.folders.length === 0)) {
    throw new CampriorError(
      `${root}: no ACDC patient folders (expected patientXXX/ with Info.cfg and ` +
        `patientXXX_frameYY[_gt].nii.gz, directly or under training/ and testing/)`,
    );
  }
  return sets;
}

async function listPatients(dir: string): Promise<{ dir: string; id: string }[]> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && PATIENT_ID.test(entry.name)) ids.push(entry.name);
    }
  } catch (error) {
    throw fileError(dir, error, "data folder not found");
  }
  return ids.sort().map((id) => ({ dir: join(dir, id), id }));
}

function splitOfSets(sets: readonly FolderSet[], root: string): PredefinedSplit {
  const ids = (name: string) =>
    sets.find((set) => set.name === name)?.folders.map((f) => f.id) ?? [];
  const train = ids("training"), test = ids("testing");
  const twice = train.find((id) => test.includes(id));
  if (twice) throw new CampriorError(`${root}: ${twice} is in both training and testing`);
  return { train, val: [], test };
}

/** Reads one patient folder: Info.cfg, then the ED and ES frames with their labels. */
export async function readAcdcPatient(
  dir: string,
  id: string,
): Promise<{ patient: Patient; info: InfoCfg; slices: Slice[] }> {
  const info = await readInfoCfg(join(dir, "Info.cfg"));
  const slices: Slice[] = [];
  for (const phase of ["ED", "ES"] as const) {
    const paths = await acdcFramePaths(dir, id, frameOfPhase(info, phase));
    const volume = await readFrame(paths, { patientId: id, group: info.group, phase });
    slices.push(...volumeToSlices(volume));
  }
  return { patient: { id, group: info.group }, info, slices };
}

async function readFrame(
  paths: { image: string; label: string },
  who: Pick<LabelledVolume, "patientId" | "group" | "phase">,
): Promise<LabelledVolume> {
  const image = await readNifti(paths.image);
  const label = await readNifti(paths.label);
  const shape = (v: typeof image) => [v.dims[2], v.dims[1], v.dims[0], v.frames];
  if (image.frames > 1) {
    throw new CampriorError(`${paths.image}: expected one 3-D frame, found ${image.frames}`);
  }
  const [width, height, depth] = image.dims;
  const [column, row, between] = image.geometry.spacing;
  const volume: LabelledVolume = {
    ...who,
    depth,
    height,
    width,
    image: image.data,
    label: labelBytes(label.data),
    spacing: [row, column],
    ...(between > 0 ? { sliceSpacing: between } : {}),
    source: paths.image,
    labelSource: paths.label,
  };
  const mismatch = shapeMismatch(
    { shape: shape(image), source: paths.image },
    { shape: shape(label), source: paths.label },
  );
  return mismatch ? defectiveVolume(volume, mismatch) : volume;
}

/** One frame to write: a volume in NIfTI order (`i` fastest) with its labels. */
export interface AcdcFrame {
  readonly frame: number;
  /** `[i, j, k]` sizes: columns, rows, slices. */
  readonly dims: readonly [number, number, number];
  /** Integer intensities (stored as int16). */
  readonly image: ArrayLike<number>;
  readonly label: Uint8Array;
  readonly geometry: NiftiGeometry;
}

/**
 * Writes a patient folder in the official layout: Info.cfg and each frame with `_gt`
 * (`.nii.gz`, gzip `level` 1 = fastest … 9 = smallest).
 */
export async function writeAcdcPatient(
  root: string,
  patientId: string,
  info: InfoCfg,
  frames: readonly AcdcFrame[],
  level = 6,
): Promise<void> {
  const dir = join(root, patientId);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "Info.cfg"), formatInfoCfg(info));
  for (const f of frames) {
    const base = join(dir, frameName(patientId, f.frame));
    const common = { dims: f.dims, geometry: f.geometry };
    await writeNifti(
      `${base}.nii.gz`,
      { ...common, data: f.image, datatype: NIFTI_TYPES.int16 },
      level,
    );
    await writeNifti(
      `${base}_gt.nii.gz`,
      { ...common, data: f.label, datatype: NIFTI_TYPES.uint8 },
      level,
    );
  }
}
