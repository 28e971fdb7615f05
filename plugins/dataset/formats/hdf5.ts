/**
 * Reading numeric datasets from HDF5 files with `h5wasm` (its Node build, which reads the
 * host file system directly; gzip-compressed datasets are decoded by HDF5 itself). HDF5
 * prints its error stack (`HDF5-DIAG …`, dozens of lines) to stderr; it is captured and
 * handed to the caller's `diagnostics` (the step log) instead.
 *
 * @module
 */
import h5wasm, { type File as H5File } from "h5wasm/node";
import fs from "node:fs";
import { CampriorError } from "../../../mod.ts";
import { fileError } from "./read_file.ts";

/** A numeric dataset: its shape and values in row-major order. */
export interface H5Array<T extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  readonly shape: readonly number[];
  readonly data: T;
}

/** The 8-byte signature every HDF5 file starts with (at offset 0 or a user-block boundary). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const SIGNATURE_OFFSETS = [0, 512, 1024, 2048];

/** Options of {@linkcode readH5Datasets}. */
export interface ReadH5Options {
  /** Receives what HDF5 prints about the file (its error stack); dropped when absent. */
  readonly diagnostics?: (text: string) => void;
}

/**
 * Reads the named datasets of an HDF5 file: floating-point ones as `Float32Array`, integer
 * ones as `Uint8Array` (values outside 0..255 are an error). Every problem is a
 * {@linkcode CampriorError} naming the file and the dataset.
 */
export async function readH5Datasets<K extends string>(
  path: string,
  names: readonly K[],
  options: ReadH5Options = {},
): Promise<Record<K, H5Array>> {
  await checkSignature(path);
  await h5wasm.ready;
  const printed: string[] = [];
  try {
    return withStderrCaptured(printed, () => readAll(path, names));
  } finally {
    const text = printed.join("").trimEnd();
    if (text && options.diagnostics) options.diagnostics(`HDF5 on ${path}:\n${text}`);
  }
}

function readAll<K extends string>(path: string, names: readonly K[]): Record<K, H5Array> {
  let file: H5File;
  try {
    file = new h5wasm.File(path, "r");
  } catch (error) {
    throw new CampriorError(`${path}: cannot open HDF5 file (corrupt or truncated?): ${error}`);
  }
  try {
    const out = {} as Record<K, H5Array>;
    for (const name of names) out[name] = readDataset(file, name, path);
    return out;
  } catch (error) {
    if (error instanceof CampriorError) throw error;
    throw new CampriorError(`${path}: cannot read HDF5 content (corrupt or truncated?): ${error}`);
  } finally {
    file.close();
  }
}

type WriteSync = (fd: number, buffer: string | ArrayBufferView, ...rest: unknown[]) => number;

/**
 * Runs synchronous `read` with writes to fd 2 collected into `printed`: h5wasm's Node build
 * writes HDF5's stderr with `fs.writeSync(2, …)`. Synchronous, so nothing else prints
 * meanwhile.
 */
function withStderrCaptured<T>(printed: string[], read: () => T): T {
  const target = fs as unknown as { writeSync: WriteSync };
  const original = target.writeSync;
  target.writeSync = (fd, buffer, ...rest) => {
    if (fd !== 2) return original(fd, buffer, ...rest);
    const text = typeof buffer === "string" ? buffer : decodeChunk(buffer, rest);
    printed.push(text);
    return typeof buffer === "string"
      ? new TextEncoder().encode(text).length
      : chunkLength(buffer, rest);
  };
  try {
    return read();
  } finally {
    target.writeSync = original;
  }
}

function chunkLength(buffer: ArrayBufferView, rest: unknown[]): number {
  const offset = typeof rest[0] === "number" ? rest[0] : 0;
  return typeof rest[1] === "number" ? rest[1] : buffer.byteLength - offset;
}

function decodeChunk(buffer: ArrayBufferView, rest: unknown[]): string {
  const offset = typeof rest[0] === "number" ? rest[0] : 0;
  const bytes = new Uint8Array(
    buffer.buffer,
    buffer.byteOffset + offset,
    chunkLength(buffer, rest),
  );
  return new TextDecoder().decode(bytes);
}

async function checkSignature(path: string): Promise<void> {
  let head: Uint8Array;
  try {
    using file = await Deno.open(path, { read: true });
    head = new Uint8Array(SIGNATURE_OFFSETS.at(-1)! + SIGNATURE.length);
    let filled = 0;
    while (filled < head.length) {
      const n = await file.read(head.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    head = head.subarray(0, filled);
  } catch (error) {
    throw fileError(path, error, "file not found");
  }
  const found = SIGNATURE_OFFSETS.some((offset) =>
    SIGNATURE.every((byte, i) => head[offset + i] === byte)
  );
  if (!found) throw new CampriorError(`${path}: not an HDF5 file (no HDF5 signature)`);
}

function readDataset(file: H5File, name: string, path: string): H5Array {
  const entity = file.get(name);
  if (!(entity instanceof h5wasm.Dataset)) {
    const keys = file.keys().join(", ") || "none";
    throw new CampriorError(`${path}: no dataset "${name}" (datasets: ${keys})`);
  }
  const value = entity.value;
  const shape = entity.shape ?? [];
  if (value instanceof Float32Array) return { shape, data: value };
  if (value instanceof Float64Array) return { shape, data: Float32Array.from(value) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !isBigIntArray(value)) {
    return { shape, data: toBytes(value as ArrayLike<number>, name, path) };
  }
  throw new CampriorError(`${path}: dataset "${name}" is not numeric (${entity.dtype})`);
}

function isBigIntArray(value: ArrayBufferView): boolean {
  return value instanceof BigInt64Array || value instanceof BigUint64Array;
}

function toBytes(values: ArrayLike<number>, name: string, path: string): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new CampriorError(`${path}: dataset "${name}" has value ${v}, expected 0..255`);
    }
    out[i] = v;
  }
  return out;
}
