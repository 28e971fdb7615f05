/**
 * One submission round: a folder `<out>/slurm/<time>-…/` with a snapshot of the experiment
 * file, the scripts, index files and logs; then `sbatch` for each job in dependency order,
 * and a record of which job runs which step. A rejected job cancels the jobs submitted
 * before it in the same round, so a failed submission leaves nothing half-submitted.
 *
 * @module
 */
import { join, resolve } from "node:path";
import {
  type ExperimentSource,
  failurePath,
  type Logger,
  snapshotExperiment,
  type Step,
} from "../../../mod.ts";
import {
  baseJob,
  latestByStep,
  readRecords,
  slurmDir,
  type StepRecord,
  writeRecord,
} from "./records.ts";
import type { StepCommand } from "./sbatch_script.ts";
import { SlurmError, type SlurmScheduler } from "./scheduler.ts";
import type { SlurmSettings } from "./settings.ts";

import { cliDenoArgs } from "../cli_entry.ts";
import { logPath, planJobs, type PlannedJob, scriptPath, writeJobFiles } from "./jobs.ts";
import { isActive, neverStarts } from "./tracker.ts";

/** What a submission is made from besides the steps. */
export interface SubmissionInput {
  readonly settings: SlurmSettings;
  readonly source: ExperimentSource;
  readonly outDir: string;
  /** Backend plugin name the tasks start. */
  readonly backend: string;
}

/** The planned jobs of a submission folder. */
export interface Submission {
  readonly dir: string;
  readonly outDir: string;
  readonly jobs: readonly PlannedJob[];
}

/** The jobs of a submission in `dir`, without writing anything. */
export function planSubmission(
  todo: readonly Step[],
  inFlight: readonly StepRecord[],
  input: SubmissionInput,
  dir: string,
): Submission {
  const outDir = resolve(input.outDir);
  const command: StepCommand = {
    deno: input.settings.deno ?? Deno.execPath(),
    denoArgs: cliDenoArgs(),
    experiment: join(dir, "experiment.json"),
    outDir,
    backend: input.backend,
    // As given: tasks start in this directory (chdir), and the dataset root is part of the
    // data step's id, so a resolved path would name steps the plan does not have.
    data: input.source.data,
  };
  const context = { settings: input.settings, dir, chdir: Deno.cwd(), command };
  const jobs = planJobs(todo, new Set(inFlight.map((r) => r.id)), context);
  return { dir, outDir, jobs };
}

/** Creates the submission folder and writes the snapshot, scripts and index files. */
export async function prepareSubmission(
  todo: readonly Step[],
  inFlight: readonly StepRecord[],
  input: SubmissionInput,
): Promise<Submission> {
  const root = slurmDir(resolve(input.outDir));
  await Deno.mkdir(root, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
  const dir = await Deno.makeTempDir({ dir: root, prefix: `${stamp}-` });
  const submission = planSubmission(todo, inFlight, input, dir);
  await snapshotExperiment(input.source.file, join(dir, "experiment.json"), input.source.set);
  await writeJobFiles(dir, submission.jobs);
  const steps = submission.jobs.flatMap((job) => job.steps);
  await Promise.all(steps.map((s) => Deno.remove(failurePath(input.outDir, s.id)).catch(() => {})));
  return submission;
}

/**
 * Records of earlier submissions whose jobs for these steps are still queued or running.
 * Old jobs that wait on a failed dependency (they would never start) are cancelled.
 */
export async function stepsInFlight(
  outDir: string,
  todo: readonly Step[],
  scheduler: SlurmScheduler,
): Promise<StepRecord[]> {
  const latest = latestByStep(await readRecords(outDir));
  const candidates = todo.flatMap((step) => latest.get(step.id) ?? []);
  if (candidates.length === 0) return [];
  const queue = await scheduler.queue([...new Set(candidates.map((r) => baseJob(r.job)))]);
  const stuck = candidates.filter((r) => {
    const state = queue.get(r.job);
    return state !== undefined && neverStarts(state);
  });
  await scheduler.cancel(stuck.map((r) => r.job));
  return candidates.filter((record) => {
    const state = queue.get(record.job);
    return state !== undefined && isActive(state);
  });
}

/** Submits the jobs in order; returns a record per submitted step. */
export async function submitJobs(
  submission: Submission,
  inFlight: readonly StepRecord[],
  scheduler: SlurmScheduler,
  log: Logger,
): Promise<StepRecord[]> {
  const jobOf = new Map(inFlight.map((record) => [record.id, record.job]));
  const records: StepRecord[] = [], submitted: string[] = [];
  for (const job of submission.jobs) {
    const after = [...new Set(job.after.map((id) => jobOf.get(id)!))];
    const id = await submitOne(submission, job, after, scheduler, submitted);
    submitted.push(id);
    job.steps.forEach((step, i) => {
      const task = job.spec.array ? `${id}_${i}` : id;
      jobOf.set(step.id, task);
      const { kind, label, deps } = step;
      records.push({ id: step.id, kind, label, deps, job: task, log: logPath(job, id, i) });
    });
  }
  await writeRecord({ submittedAt: new Date().toISOString(), dir: submission.dir, steps: records });
  const arrays = submission.jobs.filter((job) => job.spec.array).length;
  log.info(
    `slurm: submitted ${submission.jobs.length} jobs (${arrays} cell arrays) for ` +
      `${records.length} steps; scripts and logs in ${submission.dir}`,
  );
  return records;
}

async function submitOne(
  submission: Submission,
  job: PlannedJob,
  after: readonly string[],
  scheduler: SlurmScheduler,
  submitted: readonly string[],
): Promise<string> {
  const script = scriptPath(submission.dir, job);
  try {
    return await scheduler.submit(script, after);
  } catch (error) {
    if (!(error instanceof SlurmError)) throw error;
    await scheduler.cancel(submitted).catch(() => {});
    const undone = submitted.length > 0
      ? `; cancelled the ${submitted.length} jobs submitted before it (${submitted.join(", ")})`
      : "";
    throw new SlurmError(
      `Slurm rejected the job ${job.key} (${script}): ${error.message}${undone}; ` +
        `finished steps are kept in ${submission.outDir}`,
    );
  }
}
