/**
 * Shared fixtures of the data tests: where the real ACDC subset lies, temporary folders,
 * small h5 files, and a small synthetic ACDC folder.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
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
