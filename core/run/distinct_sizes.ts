/**
 * Sample sizes that give the same patients are one cell: with exact allocation, 95% and 100%
 * of few patients can round to the same set, and training both would show one result twice
 * as if it were two. Before the grid runs, the data and split steps are finished (they are
 * the first steps anyway; the local executor runs them here, other executors only use them
 * once an earlier run finished them), each size's labelled patients are drawn for every
 * seed, and a size whose training and validation patients equal a larger size's in every
 * seed is dropped from the grid with one warning; the larger size's cell stands for both.
 *
 * @module
 */
import type { Experiment } from "../config/experiment.ts";
import type { StepGraph } from "../plan/step.ts";
import type { SegmenterStep, SplitStep } from "../plan/step.ts";
import { loadData } from "../steps/data/data_step.ts";
import type { StepEnv } from "../steps/env.ts";
import { runRecorded } from "./step_records.ts";
import { noStepEvents, type StepEvents } from "./step_events.ts";
import { loadSplit, sampledPatients } from "../steps/split/split_step.ts";

/** A size dropped because it repeats a larger one's patients. */
export interface MergedSize {
  readonly size: number;
  readonly into: number;
  readonly train: number;
  readonly val: number;
}

/** How the data and split steps may be finished before the grid runs. */
export interface PreludeOptions {
  /** Run unfinished ones in this process (the local executor); otherwise use only finished. */
  readonly runHere: boolean;
  /** Progress events, as the executor would send them. */
  readonly events?: StepEvents;
}

/**
 * The graph's split steps once the data and split steps are finished: unfinished ones run
 * here (with step logs and progress events) when allowed; returns undefined when they are
 * unfinished and may not run here.
 */
async function finishSplits(
  env: StepEnv,
  graph: StepGraph,
  computed: string[],
  options: PreludeOptions,
): Promise<SplitStep[] | undefined> {
  const early = graph.steps.filter((s) => s.kind === "data" || s.kind === "split");
  const todo = [];
  for (const step of early) if (!await env.store.has(step.id)) todo.push(step);
  if (todo.length > 0 && !options.runHere) return undefined;
  const events = options.events ?? noStepEvents;
  if (todo.length > 0) await events.planned(todo, []);
  for (const [i, step] of todo.entries()) {
    await events.started(step, i + 1);
    const started = performance.now();
    await runRecorded(env, step);
    computed.push(step.id);
    await events.finished(step, (performance.now() - started) / 1000);
  }
  return early.filter((s): s is SplitStep => s.kind === "split");
}

/**
 * Sizes of `graph` that repeat a larger size's patients in every seed, and the ids of the
 * data and split steps this had to compute.
 */
export async function duplicateSizes(
  env: StepEnv,
  graph: StepGraph,
  options: PreludeOptions,
): Promise<{ merged: MergedSize[]; computed: string[]; unchecked?: boolean }> {
  const computed: string[] = [];
  const cells = new Map<string, SegmenterStep>();
  for (const c of graph.cells) cells.set(`${c.settings.seed}\u0000${c.settings.sample.size}`, c);
  const sizes = [...new Set(graph.cells.map((c) => c.settings.sample.size))].sort((a, b) => b - a);
  const seeds = [...new Set(graph.cells.map((c) => c.settings.seed))];
  if (sizes.length < 2) return { merged: [], computed };
  const finished = await finishSplits(env, graph, computed, options);
  if (!finished) return { merged: [], computed, unchecked: true };
  const splits = new Map(finished.map((s) => [s.id, s]));
  const patients = new Map<string, { key: string; train: number; val: number }>();
  for (const cell of cells.values()) {
    const split = splits.get(cell.settings.split);
    if (!split) continue;
    const drawn = sampledPatients(
      await loadData(env, cell.settings.data),
      await loadSplit(env, split.id),
      cell.settings.sample,
      cell.settings.seed,
    );
    patients.set(`${cell.settings.seed}\u0000${cell.settings.sample.size}`, {
      key: `${[...drawn.train].sort()}|${[...drawn.val].sort()}`,
      train: drawn.train.length,
      val: drawn.val.length,
    });
  }
  const kept: number[] = [];
  const merged: MergedSize[] = [];
  for (const size of sizes) {
    const same = (other: number) =>
      seeds.every((seed) => {
        const a = patients.get(`${seed}\u0000${size}`), b = patients.get(`${seed}\u0000${other}`);
        return a !== undefined && a.key === b?.key;
      });
    const into = kept.find(same);
    if (into === undefined) {
      kept.push(size);
      continue;
    }
    const drawn = patients.get(`${seeds[0]}\u0000${size}`)!;
    merged.push({ size, into, train: drawn.train, val: drawn.val });
  }
  return { merged, computed };
}

/** The experiment without the merged sizes, and the warning that says so (once). */
export function withoutMergedSizes(
  experiment: Experiment,
  merged: readonly MergedSize[],
): { experiment: Experiment; warning?: string } {
  if (merged.length === 0) return { experiment };
  const dropped = new Set(merged.map((m) => m.size));
  const warning = "grid.sampleSizes: " +
    merged.map((m) =>
      `${m.size}% gives the same ${m.train} training and ${m.val} validation patients as ` +
      `${m.into}%`
    ).join("; ") + " — each trained once, reported under the larger size";
  return {
    experiment: {
      ...experiment,
      grid: {
        ...experiment.grid,
        sampleSizes: experiment.grid.sampleSizes.filter((s) => !dropped.has(s)),
      },
    },
    warning,
  };
}
