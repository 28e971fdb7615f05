/**
 * The local executor: runs the graph's unfinished steps in order in this process. A failing
 * step is recorded and its dependents skipped while the others go on (unless fail-fast).
 *
 * @module
 */
import { join } from "node:path";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { CampriorError, InterruptedError } from "../util/errors.ts";
import { fileLogger, teeLogger } from "../util/logger.ts";
import type { StepGraph } from "../plan/planner.ts";
import type { StepEnv } from "../steps/env.ts";
import { runStep } from "../steps/run_step.ts";
import type { Step } from "../plan/step.ts";
import { noStepEvents, type StepEvents } from "./step_events.ts";

/** A step that failed, or was skipped because a dependency failed. */
export interface StepFailure {
  readonly id: string;
  readonly label: string;
  readonly error: string;
  /** The failed step this one waited for, when it was skipped. */
  readonly cause?: string;
}

/** What the executor did. */
export interface ExecutionSummary {
  readonly computed: readonly string[];
  readonly reused: readonly string[];
  readonly failed: ReadonlyMap<string, StepFailure>;
}

function errorText(error: unknown): string {
  return error instanceof CampriorError
    ? error.message
    : `${(error as Error).name}: ${(error as Error).message}`;
}

/** Path of the log file of a step. */
export function stepLogPath(outDir: string, id: string): string {
  return join(outDir, "logs", `${id}.log`);
}

/** Path of the failure record of a step. */
export function failurePath(outDir: string, id: string): string {
  return join(outDir, "failures", `${id}.json`);
}

async function recordFailure(env: StepEnv, failure: StepFailure): Promise<void> {
  await writeTextAtomic(failurePath(env.outDir, failure.id), JSON.stringify(failure, null, 2));
}

async function clearFailure(env: StepEnv, id: string): Promise<void> {
  await Deno.remove(failurePath(env.outDir, id)).catch(() => {});
}

/** Runs every unfinished step; returns what was computed, reused and failed. */
export async function executeLocally(
  env: StepEnv,
  graph: StepGraph,
  options: { failFast?: boolean; events?: StepEvents } = {},
): Promise<ExecutionSummary> {
  const events = options.events ?? noStepEvents;
  const computed: string[] = [], reused: string[] = [];
  const failed = new Map<string, StepFailure>();
  const todo = await pendingSteps(env, graph, reused);
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
    const stepLog = fileLogger(stepLogPath(env.outDir, step.id));
    stepLog.info(`start ${step.label}`);
    const started = performance.now();
    try {
      await runStep({ ...env, log: teeLogger(env.log, stepLog), stepLog }, step);
      stepLog.info("finished");
      await clearFailure(env, step.id);
      computed.push(step.id);
      await events.finished(step, (performance.now() - started) / 1000);
    } catch (error) {
      if (error instanceof InterruptedError || options.failFast) {
        stepLog.warn(
          error instanceof InterruptedError ? "interrupted" : `failed: ${errorText(error)}`,
        );
        throw error;
      }
      const failure = { id: step.id, label: step.label, error: errorText(error) };
      stepLog.warn(`failed: ${failure.error}`);
      env.log.warn(`${step.label} failed: ${failure.error}`);
      await recordFailure(env, failure);
      failed.set(step.id, failure);
      await events.failed(step, failure.error);
    }
  }
  return { computed, reused, failed };
}

/**
 * Unfinished steps that some unfinished cell needs, in graph order. A finished cell needs
 * nothing, even if an artifact it was computed from has been deleted since.
 */
async function pendingSteps(env: StepEnv, graph: StepGraph, reused: string[]): Promise<Step[]> {
  const byId = new Map(graph.steps.map((step) => [step.id, step]));
  const needed = new Set<string>();
  const visit = async (id: string): Promise<void> => {
    if (needed.has(id)) return;
    if (await env.store.has(id)) {
      if (!reused.includes(id)) reused.push(id);
      return;
    }
    needed.add(id);
    for (const dep of byId.get(id)!.deps) await visit(dep);
  };
  for (const cell of graph.cells) await visit(cell.id);
  return graph.steps.filter((step) => needed.has(step.id));
}
