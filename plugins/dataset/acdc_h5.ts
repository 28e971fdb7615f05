/**
 * `acdc-h5`: ACDC in the SSL4MIS layout: `h5/patientXXX_frameYY_slice_N.h5` (2-D slices),
 * `h5/patientXXX_frameYY.h5` (3-D volumes), list files naming the volumes of each split,
 * and `info/patientXXX/Info.cfg` for the diagnosis. Every listed volume becomes 2-D slices;
 * the lists become the cohort's predefined split.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import {
  CampriorError,
  type Cohort,
  definePlugin,
  formatCohortSummary,
  type Patient,
  type Phase,
  type PredefinedSplit,
  type Slice,
  summarizeCohort,
  throwIfInterrupted,
} from "../../mod.ts";
import {
  defectiveVolume,
  frameOfPhase,
  labelBytes,
  type LabelledVolume,
  shapeMismatch,
  volumeToSlices,
} from "./formats/acdc_layout.ts";
import { readH5Datasets } from "./formats/hdf5.ts";
import { type InfoCfg, readInfoCfg } from "./formats/info_cfg.ts";
import { readListFile } from "./formats/list_files.ts";
import { fileError, requireDataRoot } from "./formats/read_file.ts";

const options = z.strictObject({
  root: z.string().default("")
    .describe("the folder with h5/, info/ and the list files (--data)"),
  lists: z.strictObject({
    train: z.string().default("train.list").describe("list of the training slices"),
    val: z.string().default("val.list").describe("list of the validation volumes"),
    test: z.string().default("test.list").describe("list of the test volumes (if it exists)"),
  }).default({ train: "train.list", val: "val.list", test: "test.list" })
    .describe("list files, relative to root or absolute; test is used only if it exists"),
});

type Options = z.output<typeof options>;
type SetName = keyof PredefinedSplit;

const VOLUME_NAME = /^(patient\d+)_frame(\d+)$/;
const SLICE_FILE = /^(patient\d+_frame\d+)_slice_(\d+)\.h5$/;

/** The `acdc-h5` dataset plugin. */
export const acdcH5DatasetPlugin = definePlugin({
  kind: "dataset",
  name: "acdc-h5",
  description: "ACDC in the SSL4MIS h5 layout (h5/, info/, train.list, val.list[, test.list])",
  version: "1",
  options,
  create: (opts, ctx) => ({
    load: async () => {
      const cohort = await readAcdcH5(opts, { signal: ctx.signal, diagnostics: ctx.stepLog?.info });
      ctx.log.info(`acdc-h5 ${opts.root}:\n${formatCohortSummary(summarizeCohort(cohort))}`);
      return cohort;
    },
  }),
});

/** How to read: cancellation, and where HDF5's own messages go (default: nowhere). */
export interface ReadingOptions {
  readonly signal?: AbortSignal;
  readonly diagnostics?: (text: string) => void;
}

/** Reads every volume the list files name; a volume that cannot be read is an error. */
export async function readAcdcH5(opts: Options, reading: ReadingOptions = {}): Promise<Cohort> {
  const { signal } = reading;
  requireDataRoot(opts.root, "acdc-h5");
  const lists = await readLists(opts);
  const sliceFiles = await indexSliceFiles(join(opts.root, "h5"));
  const infos = new Map<string, InfoCfg>();
  const setOf = new Map<string, SetName>();
  const slices: Slice[] = [];
  for (const [set, entries] of Object.entries(lists) as [SetName, string[]][]) {
    const listPath = resolve(opts.root, opts.lists[set]);
    for (const entry of entries) {
      if (signal) throwIfInterrupted(signal, `reading ${entry}`);
      const { patientId, frame } = parseVolumeName(entry, listPath);
      const previous = setOf.get(patientId);
      if (previous !== undefined && previous !== set) {
        throw new CampriorError(`${listPath}: ${patientId} is also in the ${previous} list`);
      }
      setOf.set(patientId, set);
      if (!infos.has(patientId)) infos.set(patientId, await readInfo(opts.root, patientId));
      const info = infos.get(patientId)!;
      const phase = phaseOfFrame(frame, info, `${listPath}: ${entry}`);
      const who = { patientId, group: info.group, phase };
      slices.push(...await readVolume(opts.root, entry, sliceFiles.get(entry), who, reading));
    }
  }
  const patients: Patient[] = [...infos].map(([id, info]) => ({ id, group: info.group }));
  const ids = (set: SetName) => [...setOf].filter(([, s]) => s === set).map(([id]) => id);
  return {
    patients,
    slices,
    predefinedSplit: { train: ids("train"), val: ids("val"), test: ids("test") },
  };
}

async function readLists(opts: Options): Promise<Record<SetName, string[]>> {
  const path = (set: SetName) => resolve(opts.root, opts.lists[set]);
  return {
    train: (await readListFile(path("train")))!,
    val: (await readListFile(path("val")))!,
    test: (await readListFile(path("test"), true)) ?? [],
  };
}

function parseVolumeName(entry: string, listPath: string): { patientId: string; frame: number } {
  const match = VOLUME_NAME.exec(entry);
  if (!match) {
    throw new CampriorError(
      `${listPath}: entry "${entry}" is not a volume name like patient001_frame01`,
    );
  }
  return { patientId: match[1], frame: Number(match[2]) };
}

function readInfo(root: string, patientId: string): Promise<InfoCfg> {
  return readInfoCfg(join(root, "info", patientId, "Info.cfg"));
}

/**
 * ED or ES: the frame number Info.cfg gives for the phase, else the SSL4MIS renumbering
 * (`frame01` = ED, `frame02` = ES).
 */
function phaseOfFrame(frame: number, info: InfoCfg, where: string): Phase {
  for (const phase of ["ED", "ES"] as const) {
    if (frameOfPhase(info, phase) === frame) return phase;
  }
  if (frame === 1) return "ED";
  if (frame === 2) return "ES";
  throw new CampriorError(
    `${where}: frame ${frame} is neither ED (${info.ed}) nor ES (${info.es}) of Info.cfg`,
  );
}

/** Slice numbers per volume name, from the names of `h5/*_slice_N.h5`. */
async function indexSliceFiles(dir: string): Promise<Map<string, number[]>> {
  const index = new Map<string, number[]>();
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = SLICE_FILE.exec(entry.name);
      if (match) index.set(match[1], [...(index.get(match[1]) ?? []), Number(match[2])]);
    }
  } catch (error) {
    throw fileError(dir, error, "h5 folder not found");
  }
  for (const numbers of index.values()) numbers.sort((a, b) => a - b);
  return index;
}

type Who = { patientId: string; group: Patient["group"]; phase: Phase };

/** A volume's slices: from `h5/<name>.h5` when there are no slice files for it. */
async function readVolume(
  root: string,
  name: string,
  sliceNumbers: readonly number[] | undefined,
  who: Who,
  reading: ReadingOptions,
): Promise<Slice[]> {
  if (sliceNumbers === undefined) {
    return volumeToSlices(await readH5Volume(join(root, "h5", `${name}.h5`), who, reading));
  }
  const first = sliceNumbers[0];
  const slices: Slice[] = [];
  for (const [k, number] of sliceNumbers.entries()) {
    const path = join(root, "h5", `${name}_slice_${number}.h5`);
    if (number !== first + k) {
      throw new CampriorError(`${path}: slice ${first + k} of ${name} is missing before it`);
    }
    const [slice] = volumeToSlices(await readH5Volume(path, who, reading));
    slices.push({ ...slice, sliceIndex: k });
  }
  return slices;
}

/**
 * Reads `image` and `label` of a 2-D (H,W) or 3-D (Z,H,W) h5 file. A label of another shape
 * makes every slice defective (named by the data guards); pixel and label values are
 * checked per slice by the guards too.
 */
async function readH5Volume(
  path: string,
  who: Who,
  reading: ReadingOptions,
): Promise<LabelledVolume> {
  const { image, label } = await readH5Datasets(path, ["image", "label"], reading);
  if (image.shape.length < 2 || image.shape.length > 3) {
    throw new CampriorError(
      `${path}: "image" has shape ${image.shape.join("×")}, expected 2-D or 3-D`,
    );
  }
  const [height, width] = image.shape.slice(-2);
  const depth = image.shape.length === 3 ? image.shape[0] : 1;
  const intensities = image.data instanceof Float32Array
    ? image.data
    : Float32Array.from(image.data);
  const volume = {
    ...who,
    depth,
    height,
    width,
    image: intensities,
    label: labelBytes(label.data),
    source: path,
  };
  const mismatch = shapeMismatch(
    { shape: image.shape, source: `${path} "image"` },
    { shape: label.shape, source: `${path} "label"` },
  );
  return mismatch ? defectiveVolume(volume, mismatch) : volume;
}
