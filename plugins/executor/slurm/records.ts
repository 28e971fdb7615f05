/**
 * Submission records: `<out>/slurm/<submission>/submission.json` lists each submitted step
 * with its job (or array task) and log file, so `experiment status <out>` can follow the
 * jobs from another shell and a re-run can tell which steps are still in flight.
 *
 * @module
 */
import { join } from "node:path";
import { type StepKind, writeTextAtomic } from "../../../mod.ts";

/** A submitted step. */
export interface StepRecord {
  readonly id: string;
  readonly kind: StepKind;
  readonly label: string;
  readonly deps: readonly string[];
  /** `123` for a single job, `123_4` for an array task. */
  readonly job: string;
  /** The job's log file. */
  readonly log: string;
}

/** One `sbatch` round. */
export interface SubmissionRecord {
  readonly submittedAt: string;
  /** Folder of the scripts, index files and logs. */
  readonly dir: string;
  readonly steps: readonly StepRecord[];
}

/** Name of the record file in a submission folder. */
export const RECORD_FILE = "submission.json";

/** The folder holding every submission of an output folder. */
export function slurmDir(outDir: string): string {
  return join(outDir, "slurm");
}

/** Writes the record into its submission folder. */
export async function writeRecord(record: SubmissionRecord): Promise<void> {
  await writeTextAtomic(join(record.dir, RECORD_FILE), JSON.stringify(record, null, 2) + "\n");
}

/** Every submission of an output folder, oldest first. */
export async function readRecords(outDir: string): Promise<SubmissionRecord[]> {
  const records: SubmissionRecord[] = [];
  try {
    for await (const entry of Deno.readDir(slurmDir(outDir))) {
      if (!entry.isDirectory) continue;
      const path = join(slurmDir(outDir), entry.name, RECORD_FILE);
      const text = await Deno.readTextFile(path).catch(() => undefined);
      if (text !== undefined) records.push(JSON.parse(text));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return records.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}

/** The latest submission of each step. */
export function latestByStep(records: readonly SubmissionRecord[]): Map<string, StepRecord> {
  return new Map(records.flatMap((record) => record.steps.map((step) => [step.id, step])));
}

/** The job id of a job or array task (`123_4` → `123`). */
export function baseJob(job: string): string {
  return job.split("_")[0];
}
