/**
 * `experiment plan`: the steps, which are done or to do, and what the rest will cost on the
 * chosen backend.
 *
 * @module
 */
import { pickBackendName } from "../backend/select.ts";
import type { Experiment } from "../config/experiment.ts";
import { estimatePlan, formatEstimate } from "../estimate/plan_estimate.ts";
import { formatPlan, planJson, planStatus } from "../plan/plan_view.ts";
import { planSteps } from "../plan/planner.ts";
import type { Registry } from "../plugin/registry.ts";
import { setUpRun, storeOf } from "../run/run_setup.ts";
import { checkFinishedSplits } from "../run/split_check.ts";
import { consoleLogger } from "../util/logger.ts";
import { silentProgress } from "../util/progress.ts";

/** What `plan` prints. */
export interface PlanOptions {
  readonly json?: boolean;
  /** Calibrate (what the cache lacks) and print the cost estimate. */
  readonly estimate?: boolean;
  /** Measure every timing again. */
  readonly recalibrate?: boolean;
}

/** Prints the plan; returns the exit code. */
export async function planCommand(
  experiment: Experiment,
  outDir: string,
  registry: Registry,
  options: PlanOptions,
): Promise<number> {
  const backend = await pickBackendName(experiment.backend, registry);
  const graph = planSteps(experiment, registry, backend);
  if (options.json) {
    await checkFinishedSplits(graph, registry, storeOf(outDir), backend);
    const lines = await planStatus(graph, storeOf(outDir));
    console.log(JSON.stringify(planJson(experiment.name, backend, outDir, graph, lines), null, 2));
    return 0;
  }
  const estimate = options.estimate ? await estimateOf(experiment, outDir, registry, options) : "";
  // The estimate prepares the data, so the split checks can run even on a fresh folder.
  await checkFinishedSplits(graph, registry, storeOf(outDir), backend);
  console.log(`${experiment.name}: backend ${backend}, results in ${outDir}`);
  console.log(formatPlan(await planStatus(graph, storeOf(outDir))));
  if (estimate) console.log(`\n${estimate}`);
  return 0;
}

async function estimateOf(
  experiment: Experiment,
  outDir: string,
  registry: Registry,
  options: PlanOptions,
): Promise<string> {
  const signal = new AbortController().signal;
  const setup = { outDir, signal, log: consoleLogger, progress: silentProgress };
  const { env, graph } = await setUpRun(experiment, registry, setup);
  return formatEstimate(await estimatePlan(env, graph, { fresh: options.recalibrate }));
}
