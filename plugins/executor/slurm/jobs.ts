/**
 * Turns the unfinished steps into sbatch jobs: each shared step (data, split, classifier,
 * cam, prior) is one job; the segmenter cells become job arrays, one per set of steps they
 * wait for. Each job waits (`afterok`) for the jobs of its unfinished dependencies, which
 * may be jobs still in flight from an earlier submission.
 *
 * @module
 */
import { join } from "node:path";
import type { Step } from "../../../mod.ts";
import { type JobSpec, sbatchScript, type StepCommand } from "./sbatch_script.ts";
import { resourcesFor, type SlurmSettings } from "./settings.ts";

/** A job to submit and the steps it runs (one, or one per array task). */
export interface PlannedJob {
  /** File name stem of the script, e.g. `classifier-3f2a…` or `cells-0`. */
  readonly key: string;
  readonly spec: JobSpec;
  readonly steps: readonly Step[];
  /** Ids of unfinished steps whose jobs must succeed first. */
  readonly after: readonly string[];
}

/** What the jobs need besides the steps. */
export interface SubmissionContext {
  readonly settings: SlurmSettings;
  /** The submission folder (scripts, index files, `logs/`). */
  readonly dir: string;
  /** Working directory of the jobs. */
  readonly chdir: string;
  readonly command: StepCommand;
}

/**
 * Plans the jobs for `todo` (unfinished steps in graph order), leaving out the steps in
 * `inFlight` (already queued or running); jobs come in an order where dependencies are first.
 */
export function planJobs(
  todo: readonly Step[],
  inFlight: ReadonlySet<string>,
  context: SubmissionContext,
): PlannedJob[] {
  const unfinished = new Set(todo.map((step) => step.id));
  const after = (step: Step) => step.deps.filter((dep) => unfinished.has(dep));
  const submit = todo.filter((step) => !inFlight.has(step.id));
  const shared = submit.filter((step) => step.kind !== "segmenter");
  const groups = Map.groupBy(
    submit.filter((step) => step.kind === "segmenter"),
    (step) => after(step).sort().join(","),
  );
  return [
    ...shared.map((step) => singleJob(step, after(step), context)),
    ...[...groups.values()].map((cells, i) =>
      cellArray(`cells-${i}`, cells, after(cells[0]), context)
    ),
  ];
}

function singleJob(step: Step, after: string[], context: SubmissionContext): PlannedJob {
  return {
    key: step.id,
    steps: [step],
    after,
    spec: {
      ...jobBase(step, context),
      name: `camprior-${step.id}`,
      output: join(context.dir, "logs", `${step.id}-%j.out`),
      step: { id: step.id },
    },
  };
}

function cellArray(
  key: string,
  cells: readonly Step[],
  after: string[],
  context: SubmissionContext,
): PlannedJob {
  return {
    key,
    steps: cells,
    after,
    spec: {
      ...jobBase(cells[0], context),
      name: `camprior-${key}`,
      output: join(context.dir, "logs", `${key}-%A_%a.out`),
      array: { size: cells.length, throttle: context.settings.throttle },
      step: { indexFile: indexFile(context.dir, key) },
    },
  };
}

function jobBase(step: Step, context: SubmissionContext) {
  return {
    resources: resourcesFor(context.settings, step.kind),
    chdir: context.chdir,
    setup: context.settings.setup,
    command: context.command,
  };
}

/** The file listing an array's step ids, one per task. */
export function indexFile(dir: string, key: string): string {
  return join(dir, `${key}.ids`);
}

/** Path of a job's script. */
export function scriptPath(dir: string, job: PlannedJob): string {
  return join(dir, `${job.key}.sh`);
}

/** The log file of task `index` of a job with id `jobId`. */
export function logPath(job: PlannedJob, jobId: string, index: number): string {
  return job.spec.output.replace("%j", jobId).replace("%A", jobId).replace("%a", String(index));
}

/** Writes the scripts and index files, and creates the `logs/` folder. */
export async function writeJobFiles(dir: string, jobs: readonly PlannedJob[]): Promise<void> {
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  for (const job of jobs) {
    await Deno.writeTextFile(scriptPath(dir, job), sbatchScript(job.spec), { mode: 0o755 });
    if (job.spec.array) {
      const ids = job.steps.map((step) => step.id).join("\n") + "\n";
      await Deno.writeTextFile(indexFile(dir, job.key), ids);
    }
  }
}
