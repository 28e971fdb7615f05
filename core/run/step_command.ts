/**
 * `experiment step <file> <step-id>`: runs exactly one step of the graph in this process,
 * e.g. as a Slurm task. Its dependencies must be finished; a step already finished is left
 * alone, so a requeued task is harmless. A failure is recorded under `<out>/failures/`.
 *
 * @module
 */
import { CampriorError, ConfigError } from "../util/errors.ts";
import { probeWritable } from "../util/fs_errors.ts";
import { runRecorded } from "./step_records.ts";
import type { Experiment } from "../config/experiment.ts";
import type { Logger } from "../util/logger.ts";
import type { Progress } from "../util/progress.ts";
import type { Registry } from "../plugin/registry.ts";
import { setUpRun } from "./run_setup.ts";
import type { StepEnv } from "../steps/env.ts";
import type { Step } from "../plan/step.ts";

/** Exit code of a step whose dependencies are not finished. */
export const MISSING_DEPENDENCY_EXIT = 3;

/** Where and how to run the step. */
export interface StepOptions {
  readonly outDir: string;
  readonly log: Logger;
  readonly progress: Progress;
  readonly signal: AbortSignal;
}

/** Runs one step of an experiment whose backend is started; false when it was already finished. */
export type StepRunner = (id: string) => Promise<boolean>;

/** Runs step `id` of the experiment; returns false when it was already finished. */
export async function runOneStep(
  experiment: Experiment,
  registry: Registry,
  id: string,
  options: StepOptions,
): Promise<boolean> {
  return await (await openStepRunner(experiment, registry, options))(id);
}

/**
 * Starts the backend and plans the experiment once, for running many of its steps in this
 * process one after another (a pool worker): what the backend compiled for the shapes of one
 * step (wasm kernels) and the artifacts it loaded serve the next.
 */
export async function openStepRunner(
  experiment: Experiment,
  registry: Registry,
  options: StepOptions,
): Promise<StepRunner> {
  await probeWritable(options.outDir);
  const { backend, graph, env } = await setUpRun(experiment, registry, options);
  return async (id) => {
    const step = graph.steps.find((s) => s.id === id);
    if (!step) {
      throw new ConfigError(
        `step ${id} is not in the plan of experiment "${experiment.name}" on backend ` +
          `${backend.name} (was the experiment file changed after the step was submitted?)`,
      );
    }
    const own = await env.store.verify(id);
    if (own.status === "ok") {
      options.log.info(`${step.label} (${id}) is already finished`);
      return false;
    }
    if (own.status === "damaged") {
      const movedTo = await env.store.quarantine(id);
      options.log.warn(
        `damaged artifact, computing it again: ${step.label} (${id}): ${own.file}: ` +
          `${own.problem}; moved to ${movedTo}`,
      );
    }
    await assertDepsFinished(env, graph.steps, step);
    env.log.info(`${step.label} (${step.id})`);
    await runRecorded(env, step);
    return true;
  };
}

async function assertDepsFinished(env: StepEnv, steps: readonly Step[], step: Step) {
  const missing: string[] = [];
  for (const dep of step.deps) {
    const check = await env.store.verify(dep);
    if (check.status === "ok") continue;
    const what = `${steps.find((s) => s.id === dep)?.label ?? "?"} (${dep})`;
    missing.push(
      check.status === "damaged" ? `${what} is damaged: ${check.file}: ${check.problem}` : what,
    );
  }
  if (missing.length === 0) return;
  throw new CampriorError(
    `cannot run ${step.label} (${step.id}): dependencies not finished in ` +
      `${env.store.root}: ${missing.join(", ")}`,
    MISSING_DEPENDENCY_EXIT,
  );
}
