/**
 * Cell results: one row per grid cell × seed, read from the finished segmenter artifacts
 * (or the failure records).
 *
 * @module
 */
import type { StepFailure } from "../plugin/executor.ts";
import type { StepGraph } from "../plan/step.ts";
import type { StepEnv } from "../steps/env.ts";
import { type CellMetrics, loadCellMetrics } from "../steps/segmenter/segmenter_step.ts";

/** A row of `results.csv`. */
export interface CellResult extends Partial<Omit<CellMetrics, "perPatient">> {
  readonly id: string;
  readonly recipe: string;
  /** The training strategy's name (`supervised` by default). */
  readonly strategy: string;
  readonly channels: readonly string[];
  readonly sampleSize: number;
  readonly seed: number;
  readonly backend: string;
  readonly status: "done" | "failed";
  readonly error?: string;
  readonly perPatient?: CellMetrics["perPatient"];
}

/** Results of every cell of the graph, in grid order. */
export async function collectResults(
  env: StepEnv,
  graph: StepGraph,
  failed: ReadonlyMap<string, StepFailure>,
): Promise<CellResult[]> {
  return await Promise.all(graph.cells.map(async (cell): Promise<CellResult> => {
    const identity = {
      id: cell.id,
      recipe: cell.recipe.name,
      strategy: cell.strategy,
      channels: cell.recipe.channels,
      sampleSize: cell.settings.sample.size,
      seed: cell.settings.seed,
      backend: env.backend,
    };
    const check = await env.store.verify(cell.id);
    if (check.status === "ok") {
      return { ...identity, status: "done", ...await loadCellMetrics(env, cell.id) };
    }
    if (check.status === "damaged") {
      const error = `artifact ${cell.id} is damaged: ${check.file}: ${check.problem}`;
      return { ...identity, status: "failed", error };
    }
    const failure = failed.get(cell.id);
    return { ...identity, status: "failed", error: failure?.error ?? "not computed" };
  }));
}
