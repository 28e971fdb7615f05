/**
 * Shared fixtures of the data tests: where the real ACDC subset lies, temporary folders,
 * small h5 files, and a small synthetic ACDC folder.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { exists } from "../plugins/dataset/formats/read_file.ts";
import { CampriorError } from "../core/util/errors.ts";
import { writeSyntheticAcdc } from "../plugins/dataset/synthetic/cohort.ts";

/** The real ACDC subset (SSL4MIS layout) beside the repository. */
export const ACDC_DIR = fileURLToPath(new URL("../../shared/data/acdc/", import.meta.url));

/** Whether the real data is there; prints why the caller returns early when it is not. */
export async function haveAcdc(test: string): Promise<boolean> {
  if (await exists(ACDC_DIR)) return true;
  console.log(`${test}: not run: real ACDC folder ${ACDC_DIR} is missing`);
  return false;
}

/** A fresh temporary folder, removed after `fn`. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "camprior-data-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes an h5 file with float32 `image` and uint8 `label` datasets of the given shapes. */
export async function writeH5(
  path: string,
  image: { shape: number[]; data?: Float32Array },
  label: { shape: number[]; data?: Uint8Array },
): Promise<void> {
  await h5wasm.ready;
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const file = new h5wasm.File(path, "w");
  try {
    file.create_dataset({
      name: "image",
      data: image.data ?? new Float32Array(count(image.shape)).fill(0.5),
      shape: image.shape,
      dtype: "<f",
    });
    file.create_dataset({
      name: "label",
      data: label.data ?? new Uint8Array(count(label.shape)),
      shape: label.shape,
      dtype: "<B",
    });
  } finally {
    file.close();
  }
}

/** Options of the small synthetic cohort the layout tests read. */
export const SMALL_SYNTHETIC = { patientsPerGroup: 1, imageSize: 40, slices: 3 } as const;

/** Writes the small synthetic cohort (5 patients) under `dir` in the ACDC layout. */
export async function writeSmallAcdc(dir: string, seed = 5): Promise<void> {
  await writeSyntheticAcdc(dir, SMALL_SYNTHETIC, seed);
}

/** Asserts that `fn` throws a {@linkcode CampriorError} whose message contains `text`. */
export function throwsWith(fn: () => unknown, text: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assertDataError(error, text);
}

/** Asserts that `fn` rejects with a {@linkcode CampriorError} whose message contains `text`. */
export async function rejectsWith(fn: () => Promise<unknown>, text: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assertDataError(error, text);
}

function assertDataError(error: unknown, text: string): void {
  assert.ok(error instanceof CampriorError, `expected a CampriorError, got ${error}`);
  assert.ok(
    error.message.includes(text),
    `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(text)}`,
  );
}

/**
 * A small SSL4MIS layout that trains: `count` patients (groups in turn), one ED volume each
 * (`depth` slices of `size`², noisy image, a disc of each class), all in `train.list` but
 * the last two (`val.list`). `spoil` may change a volume's image before it is written.
 */
export async function writeTrainableH5Layout(
  root: string,
  options: { count?: number; size?: number; depth?: number } = {},
  spoil: (patient: number, image: Float32Array) => void = () => {},
): Promise<string[]> {
  const { count = 10, size = 16, depth = 2 } = options;
  const groups = ["NOR", "MINF", "DCM", "HCM", "RV"];
  await Deno.mkdir(join(root, "h5"), { recursive: true });
  const names: string[] = [];
  let state = 12345;
  const noise = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let p = 0; p < count; p++) {
    const id = `patient${String(p + 1).padStart(3, "0")}`;
    await Deno.mkdir(join(root, "info", id), { recursive: true });
    await Deno.writeTextFile(
      join(root, "info", id, "Info.cfg"),
      `ED: 1\nES: 12\nGroup: ${groups[p % groups.length]}\n`,
    );
    const image = new Float32Array(depth * size * size);
    const label = new Uint8Array(depth * size * size);
    for (let i = 0; i < image.length; i++) {
      const x = (i % size) - size / 2, y = Math.floor(i / size) % size - size / 2;
      const r = Math.hypot(x, y);
      label[i] = r < size / 8 ? 3 : r < size / 5 ? 2 : r < size / 3 ? 1 : 0;
      image[i] = label[i] * 100 + 20 * noise();
    }
    spoil(p, image);
    const name = `${id}_frame01`;
    await writeH5(join(root, "h5", `${name}.h5`), { shape: [depth, size, size], data: image }, {
      shape: [depth, size, size],
      data: label,
    });
    names.push(name);
  }
  await Deno.writeTextFile(join(root, "train.list"), names.slice(0, -2).join("\n") + "\n");
  await Deno.writeTextFile(join(root, "val.list"), names.slice(-2).join("\n") + "\n");
  return names;
}
