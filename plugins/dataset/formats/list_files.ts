/**
 * `*.list` files: one entry per line (SSL4MIS `train.list`, `val.list`, `test.list`).
 *
 * @module
 */
import { CampriorError } from "../../../mod.ts";
import { exists, readText } from "./read_file.ts";

/** The non-blank, trimmed lines of a list text; an empty list is an error naming `source`. */
export function parseListFile(text: string, source: string): string[] {
  const entries = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  if (entries.length === 0) throw new CampriorError(`${source}: list file is empty`);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry)) throw new CampriorError(`${source}: "${entry}" is listed twice`);
    seen.add(entry);
  }
  return entries;
}

/**
 * Reads a list file. A missing file gives `undefined` when `optional`, else an error
 * naming it.
 */
export async function readListFile(path: string, optional = false): Promise<string[] | undefined> {
  if (optional && !(await exists(path))) return undefined;
  return parseListFile(await readText(path, "list file not found"), path);
}
