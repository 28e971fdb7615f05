/**
 * Preprocessed cohorts cached on disk, keyed by the preprocessing settings and the cohort's
 * content, so a grid (or a rerun) preprocesses each cohort once.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Cohort } from "../cohort.ts";
import { hashOf } from "../hash.ts";
import type { PreparedSlices, SliceMeta } from "./prepared.ts";
import { type PreprocessSettings, preprocessSlices, resolvePreprocess } from "./preprocess.ts";

/** Bumped when preprocessing changes its output for the same settings. */
const PREPROCESS_VERSION = "1";

/** A SHA-256 (hex, 16 characters) of every slice's metadata and pixels. */
export function cohortFingerprint(cohort: Cohort): string {
  const hash = createHash("sha256");
  for (const s of cohort.slices) {
    hash.update(
      JSON.stringify([s.patientId, s.group, s.phase, s.sliceIndex, s.height, s.width, s.spacing]),
    );
    hash.update(new Uint8Array(s.image.buffer, s.image.byteOffset, s.image.byteLength));
    hash.update(s.label);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Preprocesses a cohort's slices, reusing `cacheDir/prepared-<key>.{json,bin}` when present
 * and writing it otherwise (without `cacheDir`, no cache).
 */
export async function prepareCohort(
  cohort: Cohort,
  settings: PreprocessSettings,
  cacheDir?: string,
): Promise<PreparedSlices> {
  if (cacheDir === undefined) return preprocessSlices(cohort.slices, settings);
  const key = hashOf({
    version: PREPROCESS_VERSION,
    settings: resolvePreprocess(settings),
    cohort: cohortFingerprint(cohort),
  });
  const base = join(cacheDir, `prepared-${key}`);
  const cached = await readPrepared(base);
  if (cached) return cached;
  const prepared = preprocessSlices(cohort.slices, settings);
  await writePrepared(base, prepared);
  return prepared;
}

interface Header {
  readonly size: number;
  readonly count: number;
  readonly meta: readonly SliceMeta[];
}

async function readPrepared(base: string): Promise<PreparedSlices | undefined> {
  let header: Header, bytes: Uint8Array;
  try {
    header = JSON.parse(await Deno.readTextFile(`${base}.json`));
    bytes = await Deno.readFile(`${base}.bin`);
  } catch {
    return undefined;
  }
  const pixels = header.count * header.size * header.size;
  if (bytes.byteLength !== pixels * 5 || header.meta.length !== header.count) return undefined;
  const images = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + pixels * 4),
  );
  const labels = bytes.slice(pixels * 4);
  return { ...header, images, labels };
}

/** Writes the pixels, then the header; the header's presence marks a complete entry. */
async function writePrepared(base: string, prepared: PreparedSlices): Promise<void> {
  const suffix = `.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const bytes = new Uint8Array(prepared.images.byteLength + prepared.labels.byteLength);
  bytes.set(
    new Uint8Array(prepared.images.buffer, prepared.images.byteOffset, prepared.images.byteLength),
  );
  bytes.set(prepared.labels, prepared.images.byteLength);
  await Deno.mkdir(join(base, ".."), { recursive: true });
  await Deno.writeFile(`${base}.bin${suffix}`, bytes);
  await Deno.rename(`${base}.bin${suffix}`, `${base}.bin`);
  const header: Header = { size: prepared.size, count: prepared.count, meta: prepared.meta };
  await Deno.writeTextFile(`${base}.json${suffix}`, JSON.stringify(header));
  await Deno.rename(`${base}.json${suffix}`, `${base}.json`);
}
