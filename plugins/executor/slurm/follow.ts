/**
 * Follows submitted jobs until every step is done or failed: polls the scheduler, prints a
 * progress line per step kind when it changes, names each failed step with its log, and
 * cancels jobs that wait on a failed dependency (Slurm would keep them pending forever).
 *
 * @module
 */
import { type ArtifactStore, CampriorError, InterruptedError, type Logger } from "../../../mod.ts";
import type { StepRecord } from "./records.ts";
import { SlurmError, type SlurmScheduler } from "./scheduler.ts";
import { progressLine, type TrackedStep, trackSteps } from "./tracker.ts";

/** How to follow. */
export interface FollowOptions {
  readonly scheduler: SlurmScheduler;
  readonly store: ArtifactStore;
  readonly outDir: string;
  readonly pollSeconds: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Cancel the remaining jobs and throw at the first failed step. */
  readonly failFast?: boolean;
}

/** Polls failing this many times in a row end the follow. */
const MAX_POLL_ERRORS = 5;

/** How long a completed job's artifact may take to show up (shared filesystem caches). */
const SETTLE_MS = 60_000;

/** Waits until every step is done or failed; returns their final status. */
export async function followJobs(
  records: readonly StepRecord[],
  options: FollowOptions,
): Promise<TrackedStep[]> {
  const reported = new Set<string>();
  const completedAt = new Map<string, number>();
  let lastLine = "", errors = 0;
  while (true) {
    throwIfStopped(options);
    let tracked: TrackedStep[];
    try {
      tracked = settle(
        await trackSteps(records, options.scheduler, options.store, options.outDir),
        completedAt,
        options.store.root,
      );
      errors = 0;
    } catch (error) {
      if (!(error instanceof SlurmError) || ++errors >= MAX_POLL_ERRORS) throw error;
      options.log.warn(`polling Slurm failed (${errors}/${MAX_POLL_ERRORS}): ${error.message}`);
      await pause(options);
      continue;
    }
    const line = progressLine(tracked);
    if (line !== lastLine) options.log.info(`slurm: ${(lastLine = line)}`);
    await handleFailures(tracked, reported, options);
    if (tracked.every((t) => t.status === "done" || t.status === "failed")) return tracked;
    await pause(options);
  }
}

/** A job that completed without its artifact appearing within {@linkcode SETTLE_MS} failed. */
function settle(
  tracked: readonly TrackedStep[],
  completedAt: Map<string, number>,
  store: string,
): TrackedStep[] {
  return tracked.map((t) => {
    if (!t.unconfirmed) return t;
    const since = completedAt.get(t.record.id) ?? Date.now();
    completedAt.set(t.record.id, since);
    if (Date.now() - since < SETTLE_MS) return t;
    const detail = `job ${t.record.job} completed, but its artifact never appeared in ${store} ` +
      `(is the output folder on a filesystem the compute nodes share with this machine?)`;
    return { record: t.record, status: "failed", detail };
  });
}

async function handleFailures(
  tracked: readonly TrackedStep[],
  reported: Set<string>,
  options: FollowOptions,
): Promise<void> {
  const fresh = tracked.filter((t) => t.status === "failed" && !reported.has(t.record.id));
  for (const t of fresh) {
    reported.add(t.record.id);
    const where = t.blocked ? "" : `; log: ${t.record.log}`;
    options.log.warn(`${t.record.label} failed: ${t.detail}${where}`);
  }
  const blocked = fresh.filter((t) => t.blocked).map((t) => t.record.job);
  if (blocked.length > 0) await options.scheduler.cancel(blocked);
  if (options.failFast && fresh.length > 0) {
    const active = tracked.filter((t) => t.status === "running" || t.status === "pending");
    await options.scheduler.cancel(active.map((t) => t.record.job));
    throw new CampriorError(
      `${fresh[0].record.label} failed: ${fresh[0].detail} (log: ${fresh[0].record.log}); ` +
        `cancelled the ${active.length} remaining jobs (--fail-fast)`,
    );
  }
}

function throwIfStopped(options: FollowOptions): void {
  if (!options.signal.aborted) return;
  throw new InterruptedError(
    `stopped following the Slurm jobs; they keep running (see \`experiment status ` +
      `${options.outDir}\`, or run again to wait for them and write the report)`,
  );
}

async function pause(options: FollowOptions): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, options.pollSeconds * 1000);
    options.signal.addEventListener("abort", done);
  });
}
