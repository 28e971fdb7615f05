/**
 * Reading whole files with errors that name the file and the problem.
 *
 * @module
 */
import { CampriorError, ConfigError } from "../util/errors.ts";

/** Reads a file's bytes; "not found" becomes `path: <notFound>`. */
export async function readBytes(path: string, notFound = "file not found"): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw fileError(path, error, notFound);
  }
}

/** Reads a UTF-8 text file; "not found" becomes `path: <notFound>`. */
export async function readText(path: string, notFound = "file not found"): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw fileError(path, error, notFound);
  }
}

/** Whether a path exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw fileError(path, error, "not found");
  }
}

/** The error to throw for a failed read of `path`. */
export function fileError(path: string, error: unknown, notFound: string): CampriorError {
  if (error instanceof Deno.errors.NotFound) return new CampriorError(`${path}: ${notFound}`);
  return new CampriorError(`${path}: cannot read: ${(error as Error).message}`);
}

/** The data folder a dataset plugin was given; none is a {@linkcode ConfigError} saying how. */
export function requireDataRoot(root: string, plugin: string): string {
  if (root.trim() === "") {
    throw new ConfigError(
      `dataset ${plugin}: no data folder given: pass --data <dir> or set dataset.options.root`,
    );
  }
  return root;
}
