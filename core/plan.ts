/**
 * What a run would do: shared steps and grid cells, each marked done (stored result
 * reused) or to do.
 *
 * @module
 */
import { type Cell, cellLabel, planCells } from "./cells.ts";
import { CellStore } from "./cell_store.ts";
import { priorsOf } from "./channels.ts";
import type { Experiment } from "./experiment.ts";

/** One line of the plan. */
export interface PlanLine {
  readonly step: string;
  readonly status: "done" | "to do";
  readonly key?: string;
}

/** Lists the steps of a run of `experiment` on `backend` against the results in `outDir`. */
export async function planRun(
  experiment: Experiment,
  backend: string,
  outDir: string,
): Promise<PlanLine[]> {
  const cells = planCells(experiment, backend);
  const store = new CellStore(outDir);
  const done = await Promise.all(cells.map(async (cell) => (await store.get(cell)) !== undefined));
  const pending = cells.filter((_, i) => !done[i]);
  const shared = sharedSteps(experiment, pending);
  return [
    ...shared,
    ...cells.map((cell, i): PlanLine => ({
      step: `segmenter ${cellLabel(cell)}`,
      status: done[i] ? "done" : "to do",
      key: cell.key,
    })),
  ];
}

function sharedSteps(experiment: Experiment, pending: readonly Cell[]): PlanLine[] {
  const lines: PlanLine[] = [];
  const status = (needed: boolean) => needed ? "to do" as const : "done" as const;
  lines.push({ step: `load + preprocess dataset ${experiment.dataset.plugin}`, status: status(pending.length > 0) });
  for (const seed of experiment.seeds) {
    const seedCells = pending.filter((c) => c.seed === seed && priorsOf(c.recipe).length > 0);
    const names = [...new Set(experiment.grid.recipes.flatMap(priorsOf))];
    if (names.length === 0) continue;
    lines.push({ step: `classifier ${experiment.classifier.plugin} seed ${seed}`, status: status(seedCells.length > 0) });
    lines.push({ step: `priors ${names.join(", ")} seed ${seed}`, status: status(seedCells.length > 0) });
  }
  return lines;
}

/** The plan as text, one step per line, with a count of what is left. */
export function formatPlan(lines: readonly PlanLine[]): string {
  const todo = lines.filter((l) => l.status === "to do").length;
  return [
    ...lines.map((l) => `${l.status === "done" ? "done " : "to do"}  ${l.step}`),
    `${todo} of ${lines.length} steps to compute`,
  ].join("\n");
}
