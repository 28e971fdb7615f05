/**
 * ACDC `Info.cfg` files: `Key: value` lines with the ED and ES frame numbers, the
 * diagnostic `Group` and the patient's height, weight and number of frames.
 *
 * @module
 */
import { CampriorError, DIAGNOSES, type Diagnosis, isDiagnosis } from "../../../mod.ts";
import { readText } from "./read_file.ts";

/** What an `Info.cfg` says about a patient. */
export interface InfoCfg {
  /** Frame number of end-diastole. */
  readonly ed: number;
  /** Frame number of end-systole. */
  readonly es: number;
  readonly group: Diagnosis;
  /** Height in cm, when given. */
  readonly height?: number;
  /** Weight in kg, when given. */
  readonly weight?: number;
  /** Frames in the cine sequence, when given. */
  readonly nbFrame?: number;
}

/** Parses the text of an `Info.cfg`; `source` names the file in error messages. */
export function parseInfoCfg(text: string, source: string): InfoCfg {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z]+)\s*[:=]\s*(.*?)\s*$/.exec(line);
    if (match) fields.set(match[1], match[2]);
  }
  const group = fields.get("Group");
  if (group === undefined) {
    throw new CampriorError(`${source}: missing "Group" (expected one of ${DIAGNOSES.join(", ")})`);
  }
  if (!isDiagnosis(group)) {
    throw new CampriorError(
      `${source}: unknown Group "${group}" (expected one of ${DIAGNOSES.join(", ")})`,
    );
  }
  const number = (key: string, required: boolean): number | undefined => {
    const value = fields.get(key);
    if (value === undefined) {
      if (required) throw new CampriorError(`${source}: missing "${key}" (a frame number)`);
      return undefined;
    }
    const parsed = Number(value);
    if (value === "" || !Number.isFinite(parsed)) {
      throw new CampriorError(`${source}: "${key}" is "${value}", expected a number`);
    }
    return parsed;
  };
  return {
    ed: number("ED", true)!,
    es: number("ES", true)!,
    group,
    height: number("Height", false),
    weight: number("Weight", false),
    nbFrame: number("NbFrame", false),
  };
}

/** Reads and parses an `Info.cfg`; a missing file is an error naming it. */
export async function readInfoCfg(path: string): Promise<InfoCfg> {
  const text = await readText(
    path,
    "Info.cfg not found (each patient needs one with ED, ES, Group)",
  );
  return parseInfoCfg(text, path);
}

/** The text of an `Info.cfg`, in the order the ACDC files use. */
export function formatInfoCfg(info: InfoCfg): string {
  const lines = [`ED: ${info.ed}`, `ES: ${info.es}`, `Group: ${info.group}`];
  if (info.height !== undefined) lines.push(`Height: ${info.height.toFixed(1)}`);
  if (info.nbFrame !== undefined) lines.push(`NbFrame: ${info.nbFrame}`);
  if (info.weight !== undefined) lines.push(`Weight: ${info.weight.toFixed(1)}`);
  return lines.join("\n") + "\n";
}
