/**
 * Where each submitted step stands, from the scheduler (squeue, then sacct for jobs that
 * left the queue), the artifact store (a finished artifact means done, whatever Slurm
 * says) and the failure records the `step` command writes.
 *
 * @module
 */
import { type ArtifactStore, failurePath, type StepFailure } from "../../../mod.ts";
import { baseJob, type StepRecord } from "./records.ts";
import type { JobState, SlurmScheduler } from "./scheduler.ts";

/** A step's status. */
export type StepStatus = "done" | "pending" | "running" | "failed";

/** A submitted step and its status. */
export interface TrackedStep {
  readonly record: StepRecord;
  readonly status: StepStatus;
  /** Slurm state and reason, or the error of a failed step. */
  readonly detail: string;
  /** Pending on a dependency that failed: it will never start. */
  readonly blocked?: boolean;
  /** The job completed but its artifact is not visible (yet) on this machine. */
  readonly unconfirmed?: boolean;
}

const RUNNING = new Set(["RUNNING", "CONFIGURING", "COMPLETING", "STAGE_OUT", "SIGNALING"]);
const WAITING = new Set([
  "PENDING",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "RESIZING",
  "SUSPENDED",
  "STOPPED",
  "RESV_DEL_HOLD",
]);

/** Whether a job in this state may still run or is running. */
export function isActive(state: JobState): boolean {
  return (RUNNING.has(state.state) || WAITING.has(state.state)) && !neverStarts(state);
}

/** Whether a job waits on a dependency that failed, so Slurm will never start it. */
export function neverStarts(state: JobState): boolean {
  return state.state === "PENDING" && state.reason === "DependencyNeverSatisfied";
}

/** The status of every record, asking the scheduler once per poll. */
export async function trackSteps(
  records: readonly StepRecord[],
  scheduler: SlurmScheduler,
  store: ArtifactStore,
  outDir: string,
): Promise<TrackedStep[]> {
  const jobs = [...new Set(records.map((r) => baseJob(r.job)))];
  const queue = await scheduler.queue(jobs);
  const gone = [...new Set(records.filter((r) => !queue.has(r.job)).map((r) => baseJob(r.job)))];
  const accounting = await scheduler.accounting(gone);
  // The store is read after the scheduler: a job that ended has committed its artifact.
  const tracked = await Promise.all(records.map(async (record): Promise<TrackedStep> => {
    if (await store.has(record.id)) return { record, status: "done", detail: "" };
    const state = queue.get(record.job) ?? accounting.get(record.job);
    return classify(record, state, await readFailure(outDir, record.id));
  }));
  return markSkipped(tracked);
}

/** A failed step whose dependency failed never ran (it was cancelled as it waited). */
function markSkipped(tracked: readonly TrackedStep[]): TrackedStep[] {
  const failed = new Set(tracked.filter((t) => t.status === "failed").map((t) => t.record.id));
  return tracked.map((t) =>
    t.status === "failed" && t.record.deps.some((dep) => failed.has(dep))
      ? { ...t, detail: "a dependency failed", blocked: true }
      : t
  );
}

function classify(record: StepRecord, state?: JobState, failure?: StepFailure): TrackedStep {
  const failed = (what: string): TrackedStep => ({
    record,
    status: "failed",
    detail: failure?.error ?? what,
  });
  if (state === undefined) return failed(`job ${record.job} left the queue unfinished`);
  if (neverStarts(state)) {
    return { record, status: "failed", detail: "a dependency failed", blocked: true };
  }
  if (RUNNING.has(state.state)) return { record, status: "running", detail: state.state };
  if (WAITING.has(state.state)) {
    const reason = state.reason === "None" ? "" : ` (${state.reason})`;
    return { record, status: "pending", detail: `${state.state}${reason}` };
  }
  if (state.state === "COMPLETED") {
    const detail = "completed; its artifact is not visible here yet";
    return { record, status: "running", detail, unconfirmed: true };
  }
  return failed(`job ${record.job} ${state.state}`);
}

async function readFailure(outDir: string, id: string): Promise<StepFailure | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(failurePath(outDir, id)));
  } catch {
    return undefined;
  }
}

/** The order of step kinds in progress lines; other kinds follow. */
const KIND_ORDER: readonly string[] = ["data", "split", "classifier", "source", "prior"];

/** Counts per step kind, e.g. `segmenter 2/4 (1 running, 1 failed)`, in pipeline order. */
export function progressLine(tracked: readonly TrackedStep[]): string {
  const rank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  const kinds = [...new Set(tracked.map((t) => t.record.kind))]
    .sort((a, b) => rank(a) - rank(b));
  return kinds.map((kind) => {
    const mine = tracked.filter((t) => t.record.kind === kind);
    const count = (status: StepStatus) => mine.filter((t) => t.status === status).length;
    const extra = (["running", "pending", "failed"] as const)
      .filter((status) => count(status) > 0)
      .map((status) => `${count(status)} ${status}`);
    return `${kind} ${count("done")}/${mine.length}${
      extra.length > 0 ? ` (${extra.join(", ")})` : ""
    }`;
  }).join(" · ");
}
