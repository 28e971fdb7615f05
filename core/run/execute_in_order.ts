/**
 * Running a graph's unfinished steps one after another, as the `local` executor does: a
 * failing step is recorded and its dependents skipped while the others go on (unless
 * fail-fast). Finished artifacts are verified before reuse; a damaged one is reported,
 * moved aside and computed again, and so is what was computed from it.
 *
 * @module
 */
import type { ExecutionRequest, ExecutionSummary, StepFailure } from "../plugin/executor.ts";
import { unfinishedSteps } from "../plan/unfinished_steps.ts";
import { errorText, InterruptedError } from "../util/errors.ts";
import { isEnvironmentalFsError } from "../util/fs_errors.ts";
import { warnProblems } from "./artifact_review.ts";

/** How to run, besides the request. */
export interface InOrderOptions {
  /** The steps to bring up to date instead of the grid cells (e.g. data and splits). */
  readonly targets?: readonly string[];
}

/**
 * Runs every unfinished step in graph order; returns what was computed, reused and failed.
 * Reused artifacts are verified first; when a damaged one has been computed again, what was
 * computed from it is looked at again (and computed again when its input changed). A full
 * disk or a read-only folder stops the run (every later step would fail too).
 */
export async function executeInOrder(
  request: ExecutionRequest,
  options: InOrderOptions = {},
): Promise<ExecutionSummary> {
  const computed: string[] = [];
  const failed = new Map<string, StepFailure>();
  const replaced = new Set<string>();
  const { events } = request;
  const review = () => reviewedSteps(request, replaced, options.targets);
  let plan = await review();
  let todo = [...plan.todo];
  await events.planned(todo, plan.reused);
  let position = 0;
  while (todo.length > 0) {
    const step = todo.shift()!;
    const blocker = step.deps.map((d) => failed.get(d)).find((f) => f !== undefined);
    if (blocker) {
      const cause = blocker.cause ?? blocker.id;
      failed.set(step.id, { id: step.id, label: step.label, error: blocker.error, cause });
      await events.failed(step, `skipped: needs ${cause}, which failed`);
      continue;
    }
    await events.started(step, ++position);
    const started = performance.now();
    try {
      await request.runStep(step);
      computed.push(step.id);
      await events.finished(step, (performance.now() - started) / 1000);
    } catch (error) {
      if (error instanceof InterruptedError || request.failFast) throw error;
      if (isEnvironmentalFsError(error)) throw error;
      const failure = { id: step.id, label: step.label, error: errorText(error) };
      request.log.warn(`${step.label} failed: ${failure.error}`);
      failed.set(step.id, failure);
      await events.failed(step, failure.error);
    }
    if (replaced.has(step.id) && computed.includes(step.id)) {
      // Artifacts computed from the one replaced may now be outdated: look again.
      plan = await review();
      todo = plan.todo.filter((s) => !computed.includes(s.id) && !failed.has(s.id));
    }
  }
  return { computed, reused: plan.reused.filter((id) => !computed.includes(id)), failed };
}

/** The steps to run, after verifying finished artifacts; damaged or stale ones are reported. */
async function reviewedSteps(
  request: ExecutionRequest,
  replaced: Set<string>,
  targets?: readonly string[],
) {
  const plan = await unfinishedSteps(request.graph, request.store, {
    quarantine: true,
    alsoCompute: replaced,
    targets,
  });
  warnProblems(request.log, plan.problems);
  for (const problem of plan.problems) replaced.add(problem.id);
  return plan;
}
