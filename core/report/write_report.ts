/**
 * Writes `<out>/report/`: results.json and results.csv (one row per cell × seed), Table 1
 * (Markdown and HTML), paired comparisons, Figure 2 (SVG), Figure 3 (PNG) and index.html.
 *
 * @module
 */
import { join } from "node:path";
import { writeTextAtomic } from "../util/atomic_write.ts";
import type { CellResult } from "../run/results.ts";
import { SEGMENTATION_CLASSES } from "../plugin/cohort.ts";
import type { StepGraph } from "../plan/step.ts";
import type { StepEnv } from "../steps/env.ts";
import type { Experiment } from "../config/experiment.ts";
import { compareRecipes } from "./comparisons.ts";
import { figure2Svg } from "./figure2.ts";
import { figure3Png } from "./figure3.ts";
import { figure3Examples, figure3Source } from "./figure3_examples.ts";
import { indexHtml } from "./index_html.ts";
import { priorQuality, priorQualityHtml } from "./prior_quality.ts";
import { table1, table1Html, table1Markdown } from "./table1.ts";

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

/** Writes every report file into `<out>/report/`; returns the folder. */
export async function writeReport(
  env: StepEnv,
  experiment: Experiment,
  graph: StepGraph,
  results: readonly CellResult[],
): Promise<string> {
  const dir = join(env.outDir, "report");
  const write = (name: string, text: string) => writeTextAtomic(join(dir, name), text);
  const table = table1(results);
  const comparisons = compareRecipes(results, experiment.report.comparisons);
  await write("results.json", JSON.stringify(results, null, 2));
  await write("results.csv", resultsCsv(results));
  await write("table1.md", table1Markdown(table) + "\n");
  await write("table1.html", table1Html(table) + "\n");
  await write("comparisons.json", JSON.stringify(comparisons, null, 2));
  if (comparisons.length > 0) await write("figure2.svg", await figure2Svg(comparisons));
  const figure3Caption = await writeFigure3(env, experiment.report, graph, results, dir);
  const finished = new Set(results.filter((r) => r.status === "done").map((r) => r.id));
  const quality = await priorQuality(env, graph, finished);
  await write("prior_quality.json", JSON.stringify(quality, null, 2));
  await write(
    "index.html",
    indexHtml({
      name: experiment.name,
      description: experiment.description,
      backend: env.backend,
      generated: new Date().toISOString(),
      table1Html: table1Html(table),
      comparisons,
      hasFigure2: comparisons.length > 0,
      figure3Caption,
      extraSections: [priorQualityHtml(quality)],
      failed: results.filter((r) => r.status === "failed").map((r) =>
        `${r.recipe} @ ${r.sampleSize}% seed ${r.seed}: ${r.error}`
      ),
    }),
  );
  return dir;
}

async function writeFigure3(
  env: StepEnv,
  report: Experiment["report"],
  graph: StepGraph,
  results: readonly CellResult[],
  dir: string,
): Promise<string | undefined> {
  const source = figure3Source(graph, results, report.comparisons[0]);
  if (!source) return undefined;
  const { examples, size } = await figure3Examples(env, source, report.examples);
  if (examples.length === 0) return undefined;
  await Deno.mkdir(dir, { recursive: true });
  const temp = join(dir, `.figure3.png.tmp-${Deno.pid}`);
  await Deno.writeFile(temp, figure3Png(examples, size));
  await Deno.rename(temp, join(dir, "figure3.png"));
  const { proposed, baseline } = source;
  return `${proposed.recipe.name} vs ${baseline.recipe.name} at ${proposed.settings.sample.size}% ` +
    `of the patients, seed ${proposed.settings.seed}, test slices with the largest hearts`;
}
