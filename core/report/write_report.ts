/**
 * Writes `<out>/report/`: index.html, results.json/.csv (one row per cell × seed),
 * volumes.csv (per volume and structure), Table 1 and 2 (Markdown), comparisons.json,
 * flags.json, the learning curve, Figure 2 and the training curves (SVG), Figure 3 (PNG and
 * HTML). Returns the model so the terminal summary says the same as the page.
 *
 * @module
 */
import { join } from "node:path";
import type { Experiment } from "../config/experiment.ts";
import type { StepGraph } from "../plan/step.ts";
import type { CellResult } from "../run/results.ts";
import type { StepEnv } from "../steps/env.ts";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { resultsCsv, volumesCsv } from "./csv.ts";
import { figure2Svg } from "./figure2.ts";
import { figure3Html, figure3Png } from "./figure3.ts";
import { figure3Examples, figure3Source } from "./figure3_examples.ts";
import { loadCellVolumes, loadClassifierRows, loadTrainingCurves } from "./gather.ts";
import { indexHtml } from "./index_html.ts";
import { learningCurveSvg } from "./learning_curve.ts";
import { priorQuality } from "./prior_quality.ts";
import { type ReportModel, reportModel } from "./report_model.ts";
import { cellName } from "./sanity_flags.ts";
import { tableMarkdown } from "./table1.ts";
import { trainingCurvesSvg } from "./training_curves.ts";
import { strategiesHtml } from "./strategies_section.ts";

/** The written report. */
export interface WrittenReport {
  readonly dir: string;
  /** Path of `index.html`. */
  readonly index: string;
  readonly model: ReportModel;
}

/** Writes every report file into `<out>/report/`. */
export async function writeReport(
  env: StepEnv,
  experiment: Experiment,
  graph: StepGraph,
  results: readonly CellResult[],
  options: { readonly notes?: readonly string[] } = {},
): Promise<WrittenReport> {
  const dir = join(env.outDir, "report");
  const write = (name: string, text: string) => writeTextAtomic(join(dir, name), text);
  const finished = new Set(results.filter((r) => r.status === "done").map((r) => r.id));
  const model = reportModel({
    results,
    metric: experiment.report.metric,
    comparisons: experiment.report.comparisons,
    classifiers: await loadClassifierRows(env, graph),
    priors: await priorQuality(env, graph, finished),
  });
  const { labels } = model;
  await write("results.json", JSON.stringify(results, null, 2));
  await write("results.csv", resultsCsv(results, labels));
  await write("volumes.csv", volumesCsv(await loadCellVolumes(env, results)));
  await write(
    "tables.md",
    [
      tableMarkdown(model.table1, "Table 1"),
      tableMarkdown(model.table2[0], "Table 2a"),
      tableMarkdown(model.table2[1], "Table 2b"),
      ...(model.paperTable ? [tableMarkdown(model.paperTable, "Paper's Table 1")] : []),
    ].join("\n\n") + "\n",
  );
  await write("table1.md", tableMarkdown(model.table1, "Table 1") + "\n");
  await write("comparisons.json", JSON.stringify(model.comparisons, null, 2));
  await write("flags.json", JSON.stringify(model.flags, null, 2));
  await write("prior_quality.json", JSON.stringify(model.priors, null, 2));
  const figures = {
    figure2: model.comparisons.length > 0,
    learningCurve: model.curve.length > 0,
    trainingCurves: false,
  };
  if (figures.figure2) {
    await write(
      "figure2.svg",
      await figure2Svg(model.comparisons, model.metric, labels, model.patients),
    );
  }
  if (figures.learningCurve) {
    await write("learning_curve.svg", await learningCurveSvg(model.curve, model.table2[0].metric));
  }
  const curves = await loadTrainingCurves(env, graph, results, (r) => cellName(r, labels));
  if (curves.length > 0) {
    await write("training_curves.svg", await trainingCurvesSvg(curves));
    figures.trainingCurves = true;
  }
  const figure3 = await writeFigure3(env, experiment.report, graph, results, dir, labels);
  const index = join(dir, "index.html");
  await write(
    "index.html",
    indexHtml({
      name: experiment.name,
      description: experiment.description,
      backend: env.backend,
      generated: new Date().toISOString(),
      model,
      figures,
      figure3,
      validation: experiment.split.validation,
      notes: options.notes ?? [],
      sections: [strategiesHtml(experiment.grid.strategies, results)],
      failed: results.filter((r) => r.status === "failed").map((r) =>
        `${cellName(r, labels)}: ${r.error}`
      ),
    }),
  );
  return { dir, index, model };
}

async function writeFigure3(
  env: StepEnv,
  report: Experiment["report"],
  graph: StepGraph,
  results: readonly CellResult[],
  dir: string,
  labels: ReadonlyMap<number, string>,
): Promise<{ caption: string; html: string } | undefined> {
  const source = figure3Source(graph, results, report.comparisons[0]);
  if (!source) return undefined;
  const { examples, size } = await figure3Examples(env, source, report.examples);
  if (examples.length === 0) return undefined;
  await Deno.mkdir(dir, { recursive: true });
  const temp = join(dir, `.figure3.png.tmp-${Deno.pid}`);
  await Deno.writeFile(temp, figure3Png(examples, size));
  await Deno.rename(temp, join(dir, "figure3.png"));
  const { proposed, baseline } = source;
  const names = { proposed: proposed.recipe.name, baseline: baseline.recipe.name };
  return {
    caption: `${names.proposed} vs ${names.baseline} at ` +
      `${labels.get(proposed.settings.sample.size) ?? `${proposed.settings.sample.size}%`}, ` +
      `seed ${proposed.settings.seed}, ` +
      `the test slices with the largest hearts, at the network's resolution`,
    html: figure3Html(examples, size, names),
  };
}
