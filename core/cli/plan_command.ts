/**
 * `experiment plan`: the steps, which are done or to do, and what the rest will cost on the
 * chosen backend.
 *
 * @module
 */
import { pickBackendName } from "../backend/select.ts";
import type { Experiment } from "../config/experiment.ts";
import { formatPlan, planJson, planStatus } from "../plan/plan_view.ts";
import { planSteps } from "../plan/planner.ts";
import type { Registry } from "../plugin/registry.ts";
import { storeOf } from "../run/runner.ts";

/** What `plan` prints. */
export interface PlanOptions {
  readonly json?: boolean;
  readonly estimate?: boolean;
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
  const lines = await planStatus(graph, storeOf(outDir));
  if (options.json) {
    console.log(JSON.stringify(planJson(experiment.name, backend, outDir, graph, lines), null, 2));
    return 0;
  }
  console.log(`${experiment.name}: backend ${backend}, results in ${outDir}`);
  console.log(formatPlan(lines));
  return 0;
}
