/**
 * How a run executes its graph: first the data and split steps, in this process (they train
 * nothing, and the split checks and the merging of repeated sample sizes need them), then the
 * split checks, then everything else with the experiment's executor plugin. Progress counts
 * the steps of the whole run.
 *
 * @module
 */
import type { Step, StepGraph } from "../plan/step.ts";
import { unfinishedSteps } from "../plan/unfinished_steps.ts";
import type { ExecutionRequest, ExecutionSummary, ExecutorInstance } from "../plugin/executor.ts";
import type { StepEnv } from "../steps/env.ts";
import { executeInOrder } from "./execute_in_order.ts";
import { checkSplits } from "./split_check.ts";
import type { StepEvents } from "./step_events.ts";

/**
 * The first phase: the data and split steps, in this process (verified, with step logs and
 * failure records), then the split checks. Progress is planned for the whole graph. When a
 * shared step failed, every step that needs it is marked as skipped and nothing is checked.
 */
export async function runSharedSteps(
  env: StepEnv,
  request: ExecutionRequest,
): Promise<ExecutionSummary> {
  const { graph, events } = request;
  const whole = await unfinishedSteps(graph, env.store);
  await events.planned(whole.todo, whole.reused);
  const shared = await executeInOrder({ ...request, events: continuing(events, 0) }, {
    targets: graph.steps.filter(isSharedStep).map((s) => s.id),
  });
  if (shared.failed.size > 0) return blockedBy(request, shared);
  await checkSplits(env, graph);
  return shared;
}

/**
 * The second phase: everything else, with the experiment's executor plugin. `replanned`:
 * the graph changed since the first phase (sizes merged), so progress is planned again.
 */
export async function executeRest(
  request: ExecutionRequest,
  executor: ExecutorInstance,
  shared: ExecutionSummary,
  replanned = false,
): Promise<ExecutionSummary> {
  const events = replanned ? request.events : continuing(request.events, shared.computed.length);
  const rest = await executor.execute({ ...request, events });
  return {
    computed: [...shared.computed, ...rest.computed],
    reused: rest.reused.filter((id) => !shared.computed.includes(id)),
    failed: rest.failed,
  };
}

/** Whether the run itself runs the step, before the executor: data and split steps. */
export function isSharedStep(step: Step): boolean {
  return step.kind === "data" || step.kind === "split";
}

/**
 * What is left for the executor once the shared steps are done: the graph without them and
 * without the edges to them (what `run --dry-run` shows the executor).
 */
export function afterSharedSteps(graph: StepGraph): StepGraph {
  const shared = new Set(graph.steps.filter(isSharedStep).map((s) => s.id));
  const cut = <S extends Step>(step: S): S => ({
    ...step,
    deps: step.deps.filter((d) => !shared.has(d)),
  });
  return {
    steps: graph.steps.filter((s) => !shared.has(s.id)).map(cut),
    cells: graph.cells.map(cut),
  };
}

/** The events of a later phase: planned once for the whole run, positions carried on. */
function continuing(events: StepEvents, before: number): StepEvents {
  return {
    ...events,
    planned: () => Promise.resolve(),
    started: (step, position) => events.started(step, before + position),
  };
}

/** The shared steps' outcome, with every step that needs a failed one marked as skipped. */
function blockedBy(request: ExecutionRequest, shared: ExecutionSummary): ExecutionSummary {
  const failed = new Map(shared.failed);
  for (const step of request.graph.steps) {
    if (failed.has(step.id)) continue;
    const blocker = step.deps.map((d) => failed.get(d)).find((f) => f !== undefined);
    if (blocker) {
      const cause = blocker.cause ?? blocker.id;
      failed.set(step.id, { id: step.id, label: step.label, error: blocker.error, cause });
    }
  }
  return { ...shared, failed };
}
