/**
 * `experiment run`: runs the grid with progress, then prints the sanity flags, Table 1, the
 * headline, the step totals and, last, the path of the report page.
 *
 * @module
 */
import { join } from "node:path";
import { CampriorError } from "../util/errors.ts";
import type { ExperimentSource } from "../plugin/executor.ts";
import type { Experiment } from "../config/experiment.ts";
import { consoleLogger } from "../util/logger.ts";
import type { Registry } from "../plugin/registry.ts";
import { snapshotExperiment } from "../config/snapshot.ts";
import type { ProgressOptions } from "./progress_bar.ts";
import { terminalProgress } from "./progress_bar.ts";
import { flagsText } from "../report/flags_view.ts";
import { tableMarkdown } from "../report/table1.ts";
import { dryRunExperiment, runExperiment, type RunSummary } from "../run/runner.ts";
import { silentProgress } from "../util/progress.ts";
import { stepLogPath } from "../run/step_records.ts";
import { terminal } from "../util/console_capture.ts";

/** What `run` needs besides the experiment. */
export interface RunCommandInput {
  readonly experiment: Experiment;
  readonly outDir: string;
  readonly source: ExperimentSource;
  readonly dryRun?: boolean;
  readonly failFast?: boolean;
  /** Wait for another run that holds the output folder instead of exiting. */
  readonly wait?: boolean;
  readonly progress: ProgressOptions;
}

/** Runs the experiment; returns the exit code (1 when a cell failed). */
export async function runCommand(input: RunCommandInput, registry: Registry): Promise<number> {
  const { experiment, outDir, source } = input;
  if (input.dryRun) {
    const signal = new AbortController().signal;
    const options = { outDir, signal, source, log: consoleLogger, progress: silentProgress };
    console.log("# data and split steps run in this process first, then the split checks");
    console.log(await dryRunExperiment(experiment, registry, options));
    return 0;
  }
  await snapshotExperiment(source.file, join(outDir, "experiment.json"), source.set);
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) Deno.exit(130);
    terminal.error("\nstopping after the current step (Ctrl-C again to quit now)…");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const summary = await runExperiment(experiment, registry, {
      outDir,
      signal: controller.signal,
      log: consoleLogger,
      progress: terminalProgress(input.progress),
      failFast: input.failFast,
      source,
      waitForLock: input.wait,
    });
    if (!summary.report) throw new CampriorError(noCellFinished(summary, outDir));
    const { model, index } = summary.report;
    console.log(`\n${experiment.name} on ${summary.backend} (${summary.backendDescription})\n`);
    console.log(flagsText(model.flags) + "\n");
    console.log(tableMarkdown(model.table1, "Table 1"));
    console.log(`\n${model.headline}`);
    console.log(`\n${stepTotals(summary)}`);
    console.log(`logs: ${join(outDir, "logs")}/<step-id>.log; status: experiment status ${outDir}`);
    for (const failed of summary.failed) {
      const size = model.labels.get(failed.sampleSize) ?? `${failed.sampleSize}%`;
      console.error(`failed: ${failed.recipe} @ ${size} seed ${failed.seed}: ${failed.error}`);
    }
    console.log(`report: ${index}`);
    return summary.failed.length > 0 ? 1 : 0;
  } catch (error) {
    if (controller.signal.aborted && error instanceof CampriorError) {
      throw new CampriorError(
        `${error.message}; finished steps are kept in ${outDir}`,
        error.exitCode,
      );
    }
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

/** Why a run produced no result: the steps that failed, with their logs. */
function noCellFinished(summary: RunSummary, outDir: string): string {
  const failed = summary.failedSteps;
  const lines = failed.map((f) =>
    `  ${f.label}: ${f.error}\n    (log: ${stepLogPath(outDir, f.id)})`
  );
  return [`no grid cell finished; ${failed.length} step(s) failed:`, ...lines].join("\n");
}

/**
 * The same total on every run: `17 steps: 5 computed now, 12 done before` (then failed and
 * not-needed steps, when there are any).
 */
export function stepTotals(summary: RunSummary): string {
  const total = summary.graph.steps.length;
  const computed = summary.computed.length;
  const before = summary.finished.length - computed;
  const cells = summary.graph.cells.length;
  const failedSteps = total - summary.finished.length;
  const parts = [`${computed} computed now`, `${before} done before`];
  if (failedSteps > 0) parts.push(`${failedSteps} not finished`);
  return `${total} steps: ${parts.join(", ")}; ${cells - summary.failed.length} of ${cells} ` +
    `grid cells done`;
}
