/**
 * `experiment step <file> <step-id>`: runs exactly one step of the graph in this process,
 * e.g. as a Slurm task. Its dependencies must be finished; a step already finished is left
 * alone, so a requeued task is harmless. A failure is recorded under `<out>/failures/`.
 *
 * @module
 */
import { writeTextAtomic } from "../util/atomic_write.ts";
import { CampriorError, ConfigError, InterruptedError } from "../util/errors.ts";
import { failurePath, type StepFailure, stepLogPath } from "./execute_local.ts";
import type { Experiment } from "../config/experiment.ts";
import { fileLogger, type Logger, teeLogger } from "../util/logger.ts";
import type { Progress } from "../util/progress.ts";
import type { Registry } from "../plugin/registry.ts";
import { setUpRun } from "./run_setup.ts";
import type { StepEnv } from "../steps/env.ts";
import { runStep } from "../steps/run_step.ts";
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

/** Runs step `id` of the experiment; returns false when it was already finished. */
export async function runOneStep(
  experiment: Experiment,
  registry: Registry,
  id: string,
  options: StepOptions,
): Promise<boolean> {
  const { backend, graph, env } = await setUpRun(experiment, registry, options);
  const step = graph.steps.find((s) => s.id === id);
  if (!step) {
    throw new ConfigError(
      `step ${id} is not in the plan of experiment "${experiment.name}" on backend ` +
        `${backend.name} (was the experiment file changed after the step was submitted?)`,
    );
  }
  if (await env.store.has(id)) {
    options.log.info(`${step.label} (${id}) is already finished`);
    return false;
  }
  await assertDepsFinished(env, graph.steps, step);
  await runRecorded(env, step);
  return true;
}

async function assertDepsFinished(env: StepEnv, steps: readonly Step[], step: Step) {
  const missing: string[] = [];
  for (const dep of step.deps) {
    if (!(await env.store.has(dep))) {
      missing.push(`${steps.find((s) => s.id === dep)?.label ?? "?"} (${dep})`);
    }
  }
  if (missing.length === 0) return;
  throw new CampriorError(
    `cannot run ${step.label} (${step.id}): dependencies not finished in ` +
      `${env.store.root}: ${missing.join(", ")}`,
    MISSING_DEPENDENCY_EXIT,
  );
}

/** Runs the step with its own log file (as the local executor keeps), recording a failure. */
async function runRecorded(env: StepEnv, step: Step) {
  env.log.info(`${step.label} (${step.id})`);
  const stepLog = fileLogger(stepLogPath(env.outDir, step.id));
  stepLog.info(`start ${step.label}`);
  try {
    await runStep({ ...env, log: teeLogger(env.log, stepLog), stepLog }, step);
    stepLog.info("finished");
    await Deno.remove(failurePath(env.outDir, step.id)).catch(() => {});
  } catch (error) {
    if (!(error instanceof InterruptedError)) {
      const message = error instanceof CampriorError
        ? error.message
        : `${(error as Error).name}: ${(error as Error).message}`;
      stepLog.warn(`failed: ${message}`);
      const failure: StepFailure = { id: step.id, label: step.label, error: message };
      await writeTextAtomic(failurePath(env.outDir, step.id), JSON.stringify(failure, null, 2));
    }
    throw error;
  }
}
