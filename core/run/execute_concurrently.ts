/**
 * Running a graph's unfinished steps several at a time, as the `local` executor's process
 * pool does: a step starts once every step it needs is finished, at most `slots` run at
 * once, the ready ones in graph order (largest first when a `priority` is given). A failing
 * step is recorded and its dependents skipped while the others go on (unless fail-fast). On
 * Ctrl-C (the request's signal) no new step starts, the running ones are told to stop, and
 * the run ends with {@linkcode InterruptedError} once they have; what finished meanwhile is
 * kept.
 *
 * @module
 */
import type { Step } from "../plan/step.ts";
import { unfinishedSteps } from "../plan/unfinished_steps.ts";
import { warnProblems } from "./artifact_review.ts";
import type { ExecutionRequest, ExecutionSummary, StepFailure } from "../plugin/executor.ts";
import { errorText, InterruptedError } from "../util/errors.ts";

/** How to run the steps concurrently. */
export interface ConcurrentOptions {
  /** How many steps run at once (at least 1). */
  readonly slots: number;
  /**
   * Runs one step whose dependencies are finished (e.g. in a worker process); resolves once
   * its artifact is in the store, rejects on failure. `stop` is aborted when the run stops
   * (Ctrl-C, or fail-fast after another step failed): the step should then end soon,
   * rejecting with {@linkcode InterruptedError} unless it finished.
   */
  readonly launch: (step: Step, stop: AbortSignal) => Promise<void>;
  /**
   * Among the ready steps, the one with the highest priority starts first (ties: graph
   * order), e.g. {@linkcode relativeWork}; absent: graph order.
   */
  readonly priority?: (step: Step) => number;
}

/** Index in `waiting` of the next step to start: ready, highest priority, earliest. */
function nextReady(
  waiting: readonly Step[],
  pending: ReadonlySet<string>,
  priority: ((step: Step) => number) | undefined,
): number {
  let best = -1;
  for (let i = 0; i < waiting.length; i++) {
    if (!waiting[i].deps.every((d) => !pending.has(d))) continue;
    if (priority === undefined) return i;
    if (best < 0 || priority(waiting[i]) > priority(waiting[best])) best = i;
  }
  return best;
}

/** What happened to one launched step. */
type Outcome = { readonly step: Step; readonly error?: unknown; readonly ok: boolean };

/**
 * Runs every unfinished step, up to `slots` at a time; returns what was computed, reused and
 * failed (in the order things happened).
 */
export async function executeConcurrently(
  request: ExecutionRequest,
  options: ConcurrentOptions,
): Promise<ExecutionSummary> {
  const slots = Math.max(1, Math.floor(options.slots));
  const { events, log } = request;
  // Damaged or stale artifacts are named and moved aside here; the workers compute them again.
  const { todo, reused, problems } = await unfinishedSteps(request.graph, request.store, {
    quarantine: true,
  });
  warnProblems(log, problems);
  await events.planned(todo, reused);
  const pending = new Set(todo.map((s) => s.id));
  const waiting = [...todo];
  const computed: string[] = [];
  const failed = new Map<string, StepFailure>();
  const running = new Map<string, Promise<Outcome>>();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  request.signal.addEventListener("abort", onAbort);
  let firstError: unknown;
  let position = 0;
  const started = new Map<string, number>();

  const launch = async (step: Step) => {
    await events.started(step, ++position);
    started.set(step.id, performance.now());
    const outcome = options.launch(step, stop.signal).then(
      () => ({ step, ok: true }),
      (error) => ({ step, ok: false, error }),
    );
    running.set(step.id, outcome);
  };

  const skipBlocked = async () => {
    for (let i = 0; i < waiting.length; i++) {
      const step = waiting[i];
      const blocker = step.deps.map((d) => failed.get(d)).find((f) => f !== undefined);
      if (!blocker) continue;
      const cause = blocker.cause ?? blocker.id;
      failed.set(step.id, { id: step.id, label: step.label, error: blocker.error, cause });
      waiting.splice(i--, 1);
      pending.delete(step.id);
      await events.failed(step, `skipped: needs ${cause}, which failed`);
    }
  };

  const settle = async ({ step, ok, error }: Outcome) => {
    running.delete(step.id);
    pending.delete(step.id);
    if (ok) {
      computed.push(step.id);
      await events.finished(step, (performance.now() - started.get(step.id)!) / 1000);
      return;
    }
    if (error instanceof InterruptedError && stop.signal.aborted) {
      log.warn(`${step.label} stopped before it finished`);
      await events.failed(step, "interrupted");
      return;
    }
    const failure = { id: step.id, label: step.label, error: errorText(error) };
    log.warn(`${step.label} failed: ${failure.error}`);
    failed.set(step.id, failure);
    await events.failed(step, failure.error);
    if (request.failFast && firstError === undefined) {
      firstError = error;
      stop.abort();
    }
  };

  try {
    while (waiting.length > 0 || running.size > 0) {
      await skipBlocked();
      while (!stop.signal.aborted && running.size < slots) {
        const next = nextReady(waiting, pending, options.priority);
        if (next < 0) break;
        await launch(waiting.splice(next, 1)[0]);
      }
      if (running.size === 0) break;
      await settle(await Promise.race(running.values()));
    }
  } finally {
    request.signal.removeEventListener("abort", onAbort);
  }
  if (firstError !== undefined) throw firstError;
  const unfinished = todo.length - computed.length - failed.size;
  if (request.signal.aborted) {
    throw new InterruptedError(
      `interrupted: the ${computed.length} steps finished in this run are kept, ` +
        `${unfinished} not finished`,
    );
  }
  if (unfinished > 0) throw new Error(`${unfinished} steps were never ready (a cycle?)`);
  return { computed, reused, failed };
}
