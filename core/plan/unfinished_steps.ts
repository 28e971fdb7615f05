/**
 * What an executor has to do: the unfinished steps that some unfinished grid cell needs,
 * the damaged or stale artifacts to compute again, and the finished ones that are reused.
 * Finished artifacts count only once verified (`core/run/artifact_review.ts`).
 *
 * @module
 */
import type { StepGraph } from "./step.ts";
import type { Step } from "./step.ts";
import type { ArtifactStore } from "../run/artifact_store.ts";
import { type ArtifactProblem, reviewArtifacts } from "../run/artifact_review.ts";

/** Steps to run (in graph order) and ids of finished steps that are reused. */
export interface UnfinishedSteps {
  readonly todo: readonly Step[];
  readonly reused: readonly string[];
  /** Finished artifacts that failed verification (moved aside when `quarantine`). */
  readonly problems: readonly ArtifactProblem[];
}

/**
 * Walks back from every unfinished cell, and from every damaged or stale artifact, through
 * unfinished dependencies. A finished cell needs nothing, even if an artifact it was
 * computed from has been deleted since. With `quarantine` (executors), damaged and stale
 * artifacts are moved aside so they can be recomputed; without (plans, dry runs), nothing
 * changes on disk.
 */
export async function unfinishedSteps(
  graph: StepGraph,
  store: ArtifactStore,
  options: {
    readonly quarantine?: boolean;
    /** Steps to compute even when no unfinished cell needs them (replaced artifacts). */
    readonly alsoCompute?: Iterable<string>;
    /** The steps to bring up to date instead of the grid cells (e.g. data and splits). */
    readonly targets?: readonly string[];
  } = {},
): Promise<UnfinishedSteps> {
  const byId = new Map(graph.steps.map((step) => [step.id, step]));
  const only = options.targets ? withDependencies(options.targets, byId) : undefined;
  const review = await reviewArtifacts(graph, store, { quarantine: options.quarantine, only });
  const needed = new Set<string>(), reused = new Set<string>();
  const wanted = (id: string) => !only || only.has(id);
  const stack = [
    ...options.targets ?? graph.cells.map((cell) => cell.id),
    ...[...review.recompute, ...options.alsoCompute ?? []].filter(wanted),
  ];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id) || reused.has(id)) continue;
    if (review.usable.has(id)) {
      reused.add(id);
      continue;
    }
    needed.add(id);
    stack.push(...byId.get(id)!.deps);
  }
  return {
    todo: graph.steps.filter((step) => needed.has(step.id)),
    reused: graph.steps.filter((step) => reused.has(step.id)).map((step) => step.id),
    problems: review.problems,
  };
}

/** The steps and everything they depend on. */
function withDependencies(ids: readonly string[], byId: ReadonlyMap<string, Step>): Set<string> {
  const all = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (all.has(id)) continue;
    all.add(id);
    stack.push(...byId.get(id)?.deps ?? []);
  }
  return all;
}
