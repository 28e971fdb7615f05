/**
 * Running a graph's unfinished steps one after another, as the `local` executor does: a
 * failing step is recorded and its dependents skipped while the others go on (unless
 * fail-fast).
 *
 * @module
 */
import type { ExecutionRequest, ExecutionSummary, StepFailure } from "../plugin/executor.ts";
import { unfinishedSteps } from "../plan/unfinished_steps.ts";
import { CampriorError, InterruptedError } from "../util/errors.ts";

function errorText(error: unknown): string {
  return error instanceof CampriorError
    ? error.message
    : `${(error as Error).name}: ${(error as Error).message}`;
}

/** Runs every unfinished step in graph order; returns what was computed, reused and failed. */
export async function executeInOrder(request: ExecutionRequest): Promise<ExecutionSummary> {
  const computed: string[] = [];
  const failed = new Map<string, StepFailure>();
  const { events } = request;
  const { todo, reused } = await unfinishedSteps(request.graph, request.store);
  await events.planned(todo, reused);
  let position = 0;
  for (const step of todo) {
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
      const failure = { id: step.id, label: step.label, error: errorText(error) };
      request.log.warn(`${step.label} failed: ${failure.error}`);
      failed.set(step.id, failure);
      await events.failed(step, failure.error);
    }
  }
  return { computed, reused, failed };
}
