/**
 * Filesystem errors as one-line messages that name the path: a read-only file system, a full
 * disk or a missing permission stop a run with `<path>: <what> (<hint>)` instead of a stack
 * trace. {@linkcode probeWritable} checks an output folder before the first step.
 *
 * @module
 */
import { join } from "node:path";
import { CampriorError } from "./errors.ts";

/** A filesystem problem the user must fix (space, permissions, read-only mount). */
export class FilesystemError extends CampriorError {
  /** The path that could not be written or read. */
  readonly path: string;
  /** The OS error code, e.g. `ENOSPC`. */
  readonly code: string;
  constructor(path: string, code: string, message: string, options?: ErrorOptions) {
    super(message, 1, options);
    this.name = "FilesystemError";
    this.path = path;
    this.code = code;
  }
}

/** What each environmental error code means for the user. */
const PROBLEMS: Record<string, string> = {
  EROFS: "read-only file system (choose a writable --out)",
  ENOSPC: "no space left on device (free space or choose another --out)",
  EDQUOT: "disk quota exceeded (free space or choose another --out)",
  EACCES: "permission denied (check the folder's owner and mode, or choose another --out)",
  EPERM: "operation not permitted (check the folder's owner and mode, or choose another --out)",
  ENOTDIR: "a parent of this path is a file, not a folder",
  EISDIR: "is a folder, expected a file",
};

/** The OS error code of a Deno filesystem error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether the error is one that every later write would hit too (space, rights, read-only). */
export function isEnvironmentalFsError(error: unknown): boolean {
  if (error instanceof FilesystemError) return true;
  const code = errorCode(error);
  return code !== undefined && code in PROBLEMS;
}

/** The path a Deno error message names (`…: writefile '/a/b'`), if any. */
function pathInMessage(message: string): string | undefined {
  return /: \w+ '([^']+)'(?: -> '[^']+')?$/.exec(message)?.[1];
}

/**
 * The error to throw for a failed filesystem call on `path`: a {@linkcode FilesystemError}
 * with a one-line message for the environmental codes, a {@linkcode CampriorError} naming
 * the path for other OS errors, and anything else (a missing file included) unchanged. The
 * path the OS error names is preferred unless `exact`.
 */
export function fsError(error: unknown, path: string, exact = false): Error {
  // Callers tell a missing file apart (`instanceof Deno.errors.NotFound`) and say what it means.
  if (error instanceof CampriorError || error instanceof Deno.errors.NotFound) {
    return error as Error;
  }
  const code = errorCode(error);
  if (code === undefined) return error as Error;
  const where = (exact ? undefined : pathInMessage((error as Error).message)) ?? path;
  const problem = PROBLEMS[code];
  if (problem) return new FilesystemError(where, code, `${where}: ${problem}`, { cause: error });
  const text = (error as Error).message.replace(/ \(os error \d+\).*$/, "");
  return new CampriorError(`${where}: ${text}`, 1, { cause: error });
}

/** Runs a filesystem call, turning its error into {@linkcode fsError} on `path`. */
export async function onPath<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fsError(error, path);
  }
}

/**
 * Creates `dir` and writes, reads back and removes a small file in it, so a read-only,
 * full or forbidden output folder is reported before any work starts.
 */
export async function probeWritable(dir: string): Promise<void> {
  await onPath(dir, () => Deno.mkdir(dir, { recursive: true }));
  const probe = join(dir, `.write-probe-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
  const bytes = new Uint8Array(4096).fill(0x2a);
  try {
    await Deno.writeFile(probe, bytes);
    const back = await Deno.readFile(probe);
    if (back.length !== bytes.length) {
      throw new FilesystemError(dir, "EIO", `${dir}: wrote 4096 bytes, read ${back.length}`);
    }
  } catch (error) {
    throw fsError(error, dir, true);
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}
