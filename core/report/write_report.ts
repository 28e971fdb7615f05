/**
 * Writes `<out>/report/`: results.json, results.csv (one row per cell × seed) and the
 * Table 1 layout as Markdown.
 *
 * @module
 */
import { join } from "node:path";
import { writeTextAtomic } from "../atomic_write.ts";
import type { CellResult } from "../results.ts";
import { SEGMENTATION_CLASSES } from "../cohort.ts";
import { resultsTableMarkdown } from "./results_table.ts";

const COLUMNS = [
  "recipe",
  "channels",
  "sampleSize",
  "seed",
  "backend",
  "status",
  "meanIoUWithBackground",
  "foregroundMeanIoU",
  "foregroundMeanDice",
  ...SEGMENTATION_CLASSES.map((c) => `iou_${c}`),
  ...SEGMENTATION_CLASSES.map((c) => `dice_${c}`),
  "trainPatients",
  "testSlices",
  "epochs",
  "bestEpoch",
  "seconds",
  "error",
  "id",
] as const;

function csvField(value: unknown): string {
  const text = value === undefined ? "" : Array.isArray(value) ? value.join(" ") : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(result: CellResult): string {
  const perClass = (values: readonly number[] | undefined, prefix: string) =>
    Object.fromEntries(SEGMENTATION_CLASSES.map((c, i) => [`${prefix}_${c}`, values?.[i]]));
  const { perPatient: _perPatient, ...flat } = result;
  const row: Record<string, unknown> = {
    ...flat,
    ...perClass(result.iouPerClass, "iou"),
    ...perClass(result.dicePerClass, "dice"),
  };
  return COLUMNS.map((column) => csvField(row[column])).join(",");
}

/** Results as CSV text with a header row. */
export function resultsCsv(results: readonly CellResult[]): string {
  return [COLUMNS.join(","), ...results.map(csvRow)].join("\n") + "\n";
}

/** Writes the report files; returns the report folder. */
export async function writeReport(outDir: string, results: readonly CellResult[]) {
  const dir = join(outDir, "report");
  await writeTextAtomic(join(dir, "results.json"), JSON.stringify(results, null, 2));
  await writeTextAtomic(join(dir, "results.csv"), resultsCsv(results));
  await writeTextAtomic(join(dir, "table1.md"), resultsTableMarkdown(results) + "\n");
  return dir;
}
