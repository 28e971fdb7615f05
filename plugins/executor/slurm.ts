/**
 * The `slurm` executor plugin: submits the unfinished steps as sbatch jobs (shared steps as
 * single jobs, cells as arrays, `afterok` edges), then follows them until each is done or
 * failed. Every task runs `experiment step` on one step and writes into the shared artifact
 * store. Steps still queued or running from an earlier submission are followed, not
 * resubmitted. `run --dry-run` prints the scripts; `experiment status <out>` reports.
 *
 * @module
 */
import {
  ConfigError,
  definePlugin,
  type ExecutionRequest,
  type ExecutionSummary,
  type ExperimentSource,
  type Step,
  type StepFailure,
  unfinishedSteps,
  warnProblems,
} from "../../mod.ts";
import { slurmDryRunText, slurmStatusText } from "./slurm/commands.ts";
import { followJobs } from "./slurm/follow.ts";
import type { StepRecord } from "./slurm/records.ts";
import { SlurmScheduler } from "./slurm/scheduler.ts";
import { type SlurmSettings, slurmSettingsSchema } from "./slurm/settings.ts";
import { prepareSubmission, stepsInFlight, submitJobs } from "./slurm/submit.ts";
import type { TrackedStep } from "./slurm/tracker.ts";

/** Runs the steps as Slurm jobs. */
export const slurmExecutorPlugin = definePlugin({
  kind: "executor",
  name: "slurm",
  description: "submits the steps as sbatch jobs (cells as arrays) and follows them",
  version: "1",
  options: slurmSettingsSchema,
  create: (settings) => slurmExecutor(settings),
  status: (outDir) => slurmStatusText(outDir),
});

/** A Slurm executor with these settings; `scheduler` replaces the Slurm commands on PATH. */
export function slurmExecutor(settings: SlurmSettings, scheduler?: SlurmScheduler) {
  return {
    execute: (request: ExecutionRequest) =>
      executeOnSlurm(request, settings, scheduler ?? new SlurmScheduler()),
    dryRun: (request: ExecutionRequest) => slurmDryRunText(request, settings, sourceOf(request)),
  };
}

function sourceOf(request: ExecutionRequest): ExperimentSource {
  if (request.source) return request.source;
  throw new ConfigError(
    "the slurm executor needs the experiment file its jobs load: run it from the command " +
      "line, or pass `source` to runExperiment",
  );
}

async function executeOnSlurm(
  request: ExecutionRequest,
  settings: SlurmSettings,
  scheduler: SlurmScheduler,
): Promise<ExecutionSummary> {
  const { todo, reused, problems } = await unfinishedSteps(request.graph, request.store, {
    quarantine: true,
  });
  warnProblems(request.log, problems);
  if (todo.length === 0) return { computed: [], reused, failed: new Map() };
  const source = sourceOf(request);
  await scheduler.check();
  const inFlight = await stepsInFlight(request.outDir, todo, scheduler);
  if (inFlight.length > 0) {
    request.log.info(
      `slurm: ${inFlight.length} steps are still queued or running; following them`,
    );
  }
  const submitted = await submitMissing(todo, inFlight, scheduler, request, settings, source);
  const tracked = await followJobs([...inFlight, ...submitted], {
    scheduler,
    store: request.store,
    outDir: request.outDir,
    pollSeconds: settings.pollSeconds,
    signal: request.signal,
    log: request.log,
    failFast: request.failFast,
  });
  return summarize(tracked, reused);
}

/** Submits the steps not already in flight; returns their records. */
async function submitMissing(
  todo: readonly Step[],
  inFlight: readonly StepRecord[],
  scheduler: SlurmScheduler,
  request: ExecutionRequest,
  settings: SlurmSettings,
  source: ExperimentSource,
): Promise<StepRecord[]> {
  if (inFlight.length === todo.length) return [];
  const submission = await prepareSubmission(todo, inFlight, {
    settings,
    source,
    outDir: request.outDir,
    backend: request.backend,
  });
  return await submitJobs(submission, inFlight, scheduler, request.log);
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
