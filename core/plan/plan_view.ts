/**
 * What a run would do: every step of the graph, marked done (its artifact will be reused)
 * or to do.
 *
 * @module
 */
import type { StepGraph } from "./step.ts";
import type { ArtifactStore } from "../run/artifact_store.ts";

/** One line of the plan. */
export interface PlanLine {
  readonly id: string;
  readonly label: string;
  readonly status: "done" | "to do";
}

/** Each step with its status in `store`. */
export async function planStatus(graph: StepGraph, store: ArtifactStore): Promise<PlanLine[]> {
  return await Promise.all(graph.steps.map(async (step): Promise<PlanLine> => ({
    id: step.id,
    label: step.label,
    status: await store.has(step.id) ? "done" : "to do",
  })));
}

/** The plan as data: every step with its status and the settings its id hashes. */
export function planJson(
  name: string,
  backend: string,
  outDir: string,
  graph: StepGraph,
  lines: readonly PlanLine[],
) {
  const status = new Map(lines.map((l) => [l.id, l.status]));
  return {
    experiment: name,
    backend,
    outDir,
    steps: graph.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      label: step.label,
      status: status.get(step.id),
      deps: step.deps,
      settings: step.settings,
    })),
    cells: graph.cells.map((cell) => ({
      id: cell.id,
      recipe: cell.recipe.name,
      strategy: cell.strategy,
      sampleSize: cell.settings.sample.size,
      seed: cell.settings.seed,
    })),
  };
}

/** The plan as text, one step per line, with the counts. */
export function formatPlan(lines: readonly PlanLine[]): string {
  const todo = lines.filter((l) => l.status === "to do").length;
  const cells = lines.filter((l) => l.id.startsWith("segmenter-"));
  const cellsTodo = cells.filter((l) => l.status === "to do").length;
  return [
    ...lines.map((l) => `${l.status === "done" ? "done " : "to do"}  ${l.label}  (${l.id})`),
    `${todo} of ${lines.length} steps to compute; ${cellsTodo} of ${cells.length} grid cells`,
  ].join("\n");
}
