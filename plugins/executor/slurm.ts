/**
 * The Slurm executor: submits the unfinished steps as sbatch jobs (shared steps as single
 * jobs, cells as arrays, `afterok` edges), then follows them until each is done or failed.
 * Every task runs `experiment step` on one step and writes into the shared artifact store.
 * Steps still queued or running from an earlier submission are followed, not resubmitted.
 *
 * @module
 */
import type { ExecuteOptions, Executor, ExperimentSource } from "../../core/run/executor.ts";
import type { ExecutionSummary, StepFailure } from "../../core/run/execute_local.ts";
import type { StepGraph } from "../../core/plan/planner.ts";
import { followJobs } from "./slurm/follow.ts";
import { prepareSubmission, stepsInFlight, submitJobs } from "./slurm/submit.ts";
import { SlurmScheduler } from "./slurm/scheduler.ts";
import type { SlurmSettings } from "./slurm/settings.ts";
import type { TrackedStep } from "./slurm/tracker.ts";
import type { StepRecord } from "./slurm/records.ts";
import type { StepEnv } from "../../core/steps/env.ts";
import type { Step } from "../../core/plan/step.ts";
import { unfinishedSteps } from "../../core/plan/unfinished_steps.ts";

/** What the Slurm executor is built from. */
export interface SlurmExecutorOptions {
  readonly settings: SlurmSettings;
  readonly source: ExperimentSource;
  /** The Slurm commands (default: those on PATH, with this process's environment). */
  readonly scheduler?: SlurmScheduler;
}

/** An executor that runs the steps as Slurm jobs. */
export function slurmExecutor(options: SlurmExecutorOptions): Executor {
  return {
    name: "slurm",
    execute: (env, graph, run) => executeOnSlurm(env, graph, run, options),
  };
}

async function executeOnSlurm(
  env: StepEnv,
  graph: StepGraph,
  run: ExecuteOptions,
  options: SlurmExecutorOptions,
): Promise<ExecutionSummary> {
  const { todo, reused } = await unfinishedSteps(graph, env.store);
  if (todo.length === 0) return { computed: [], reused, failed: new Map() };
  const scheduler = options.scheduler ?? new SlurmScheduler();
  await scheduler.check();
  const inFlight = await stepsInFlight(env.outDir, todo, scheduler);
  if (inFlight.length > 0) {
    env.log.info(`slurm: ${inFlight.length} steps are still queued or running; following them`);
  }
  const submitted = await submitMissing(todo, inFlight, scheduler, env, run, options);
  const tracked = await followJobs([...inFlight, ...submitted], {
    scheduler,
    store: env.store,
    outDir: env.outDir,
    pollSeconds: options.settings.pollSeconds,
    signal: env.signal,
    log: env.log,
    failFast: run.failFast,
  });
  return summarize(tracked, reused);
}

/** Submits the steps not already in flight; returns their records. */
async function submitMissing(
  todo: readonly Step[],
  inFlight: readonly StepRecord[],
  scheduler: SlurmScheduler,
  env: StepEnv,
  run: ExecuteOptions,
  options: SlurmExecutorOptions,
): Promise<StepRecord[]> {
  if (inFlight.length === todo.length) return [];
  const submission = await prepareSubmission(todo, inFlight, {
    settings: options.settings,
    source: options.source,
    outDir: env.outDir,
    backend: run.backendPlugin,
  });
  return await submitJobs(submission, inFlight, scheduler, env.log);
}

function summarize(tracked: readonly TrackedStep[], reused: readonly string[]): ExecutionSummary {
  const byId = new Map(tracked.map((t) => [t.record.id, t]));
  const rootCause = (t: TrackedStep): TrackedStep | undefined => {
    const dep = t.record.deps.map((id) => byId.get(id)).find((d) => d?.status === "failed");
    return dep?.blocked ? rootCause(dep) ?? dep : dep;
  };
  const failed = new Map<string, StepFailure>();
  for (const t of tracked.filter((t) => t.status === "failed")) {
    const cause = t.blocked ? rootCause(t) : undefined;
    const error = cause
      ? `skipped: ${cause.record.label} failed: ${cause.detail}`
      : `${t.detail} (log: ${t.record.log})`;
    failed.set(t.record.id, {
      id: t.record.id,
      label: t.record.label,
      error,
      cause: cause?.record.id,
    });
  }
  const computed = tracked.filter((t) => t.status === "done").map((t) => t.record.id);
  return { computed, reused, failed };
}
