/**
 * The Slurm side of the command line: `run --dry-run` (print the sbatch scripts, submit
 * nothing) and `status <out>` (where each submitted step stands, from any shell).
 *
 * @module
 */
import { join } from "node:path";
import {
  type ExecutionRequest,
  type ExperimentSource,
  storeOf,
  unfinishedSteps,
} from "../../../mod.ts";
import { latestByStep, readRecords, slurmDir } from "./records.ts";
import { sbatchScript } from "./sbatch_script.ts";
import { SlurmScheduler } from "./scheduler.ts";
import type { SlurmSettings } from "./settings.ts";
import { indexFile, type PlannedJob, scriptPath } from "./jobs.ts";
import { planSubmission } from "./submit.ts";
import { progressLine, type TrackedStep, trackSteps } from "./tracker.ts";

/** The scripts a submission would use, with the sbatch command of each; writes nothing. */
export async function slurmDryRunText(
  request: ExecutionRequest,
  settings: SlurmSettings,
  source: ExperimentSource,
): Promise<string> {
  const { outDir } = request;
  const { todo } = await unfinishedSteps(request.graph, request.store);
  if (todo.length === 0) return `# dry run: every cell is finished in ${outDir}`;
  const dir = join(slurmDir(outDir), "<submission>");
  const input = { settings, source, outDir, backend: request.backend };
  const submission = planSubmission(todo, [], input, dir);
  return [
    `# dry run: ${submission.jobs.length} jobs for ${todo.length} steps; nothing written ` +
    `or submitted`,
    ...submission.jobs.map((job) => describeJob(dir, job)),
  ].join("\n");
}

function describeJob(dir: string, job: PlannedJob): string {
  const after = job.after.map((id) => `<job of ${id}>`).join(":");
  const dependency = after ? ` --dependency=afterok:${after}` : "";
  const index = job.spec.array
    ? [`# ${indexFile(dir, job.key)}:`, ...job.steps.map((s, i) => `#   ${i}: ${s.id}  ${s.label}`)]
    : [];
  return [
    "",
    `# ── ${job.key}: ${job.steps.length === 1 ? job.steps[0].label : `${job.steps.length} cells`}`,
    `# sbatch --parsable${dependency} ${scriptPath(dir, job)}`,
    ...index,
    sbatchScript(job.spec),
  ].join("\n");
}

/**
 * Status of every submitted step of an output folder, one line each, then the counts;
 * undefined when nothing was submitted there.
 */
export async function slurmStatusText(
  outDir: string,
  scheduler = new SlurmScheduler(),
): Promise<string | undefined> {
  const records = await readRecords(outDir);
  if (records.length === 0) return undefined;
  const latest = [...latestByStep(records).values()];
  const tracked = await trackSteps(latest, scheduler, storeOf(outDir), outDir);
  return [
    `${outDir}: ${latest.length} steps in ${records.length} submissions ` +
    `(latest: ${records.at(-1)!.dir})`,
    ...tracked.map(statusLine),
    progressLine(tracked),
  ].join("\n");
}

function statusLine(t: TrackedStep): string {
  const head = `${t.status.padEnd(8)} ${t.record.label}  job ${t.record.job}`;
  if (t.status === "done") return head;
  if (t.status !== "failed") return `${head}  ${t.detail}`;
  return `${head}  ${t.detail}${t.blocked ? "" : `; log: ${t.record.log}`}`;
}
