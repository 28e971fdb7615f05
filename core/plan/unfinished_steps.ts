/**
 * What an executor has to do: the unfinished steps that some unfinished grid cell needs,
 * and the finished ones those cells reuse.
 *
 * @module
 */
import type { StepGraph } from "./step.ts";
import type { Step } from "./step.ts";
import type { ArtifactStore } from "../run/artifact_store.ts";

/** Steps to run (in graph order) and ids of finished steps that are reused. */
export interface UnfinishedSteps {
  readonly todo: readonly Step[];
  readonly reused: readonly string[];
}

/**
 * Walks back from every unfinished cell through unfinished dependencies. A finished cell
 * needs nothing, even if an artifact it was computed from has been deleted since.
 */
export async function unfinishedSteps(
  graph: StepGraph,
  store: ArtifactStore,
): Promise<UnfinishedSteps> {
  const finished = new Set<string>();
  await Promise.all(graph.steps.map(async (s) => (await store.has(s.id)) && finished.add(s.id)));
  const byId = new Map(graph.steps.map((step) => [step.id, step]));
  const needed = new Set<string>(), reused = new Set<string>();
  const stack = graph.cells.map((cell) => cell.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id) || reused.has(id)) continue;
    if (finished.has(id)) {
      reused.add(id);
      continue;
    }
    needed.add(id);
    stack.push(...byId.get(id)!.deps);
  }
  return {
    todo: graph.steps.filter((step) => needed.has(step.id)),
    reused: graph.steps.filter((step) => reused.has(step.id)).map((step) => step.id),
  };
}
