/**
 * A finished run, opened again to use what it trained: its experiment as it ran
 * (`<out>/experiment.json`, overrides applied), its backend (`<out>/run.json`), the step
 * graph and an environment to read its artifacts. Cells are named as in the report:
 * `1Ch+CAM*@25%/seed1`.
 *
 * @module
 */
import { join } from "node:path";
import { loadExperiment } from "../config/experiment.ts";
import type { StepGraph } from "../plan/planner.ts";
import type { SegmenterStep } from "../plan/step.ts";
import type { Registry } from "../plugin/registry.ts";
import { readRunRecord } from "../run/run_record.ts";
import { setUpRun } from "../run/run_setup.ts";
import type { StepEnv } from "../steps/env.ts";
import { ConfigError } from "../util/errors.ts";
import type { Logger } from "../util/logger.ts";
import { silentProgress } from "../util/progress.ts";
import { didYouMean } from "../util/suggest.ts";

/** An output folder's experiment, graph and step environment. */
export interface StoredRun {
  readonly outDir: string;
  readonly env: StepEnv;
  readonly graph: StepGraph;
}

/**
 * Opens `outDir`: loads its experiment snapshot on the backend it ran on (`backend`
 * overrides), starts that backend and plans the graph, so step ids match the stored ones.
 */
export async function openStoredRun(
  outDir: string,
  registry: Registry,
  log: Logger,
  backend?: string,
): Promise<StoredRun> {
  const snapshot = join(outDir, "experiment.json");
  const record = await readRunRecord(outDir).catch(() => undefined);
  try {
    await Deno.stat(snapshot);
  } catch {
    throw new ConfigError(
      `${outDir} has no experiment.json: not the output folder of a run (runs write it there)`,
    );
  }
  const experiment = await loadExperiment(snapshot, registry, {
    backend: backend ?? record?.backend,
  });
  const signal = new AbortController().signal;
  const { env, graph } = await setUpRun(experiment, registry, {
    outDir,
    signal,
    log,
    progress: silentProgress,
  });
  return { outDir, env, graph };
}

/** The name of a cell as `--cell` takes it: `1Ch+CAM*@25%/seed1`. */
export function cellName(cell: SegmenterStep): string {
  return `${cell.recipe.name}@${cell.settings.sample.size}%/seed${cell.settings.seed}`;
}

/**
 * The cell `spec` names (`recipe@size%/seedN`; the seed may be left out when there is one),
 * which must be finished; errors list the cells and suggest the closest.
 */
export async function findCell(run: StoredRun, spec: string): Promise<SegmenterStep> {
  const match = /^(.+?)@\s*(\d+(?:\.\d+)?)\s*%?\s*(?:\/\s*seed\s*(\d+))?$/.exec(spec.trim());
  const names = run.graph.cells.map(cellName);
  if (!match) {
    throw new ConfigError(
      `--cell ${JSON.stringify(spec)}: expected recipe@size%/seedN, e.g. ${names[0]}`,
    );
  }
  const [, recipe, size, seed] = match;
  const seeds = [...new Set(run.graph.cells.map((c) => c.settings.seed))];
  if (seed === undefined && seeds.length > 1) {
    throw new ConfigError(
      `--cell ${spec}: which seed? (${seeds.map((s) => `/seed${s}`).join(", ")})`,
    );
  }
  const cell = run.graph.cells.find((c) =>
    c.recipe.name === recipe && c.settings.sample.size === Number(size) &&
    c.settings.seed === Number(seed ?? seeds[0])
  );
  if (!cell) {
    throw new ConfigError(
      `--cell ${spec}: no such cell${didYouMean(spec, names)}; cells: ${names.join(", ")}`,
    );
  }
  const check = await run.env.store.verify(cell.id);
  if (check.status === "missing") {
    throw new ConfigError(
      `cell ${cellName(cell)} is not finished in ${run.outDir} (run the experiment first)`,
    );
  }
  await run.env.store.verifiedDir(cell.id); // a damaged cell is an error naming the file
  return cell;
}
