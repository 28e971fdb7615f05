/**
 * Plan-time guards on the patient split: once the data and split steps are done, and before
 * anything is trained, every split must leave patients in its test set (and in its
 * validation set when one is asked for), and every sample size of the grid must leave each
 * cell at least one labelled training patient. A problem is an error naming the split, the
 * sample size and the counts.
 *
 * @module
 */
import type { StepGraph } from "../plan/planner.ts";
import { dirname } from "node:path";
import type { Sampling, SplitStep } from "../plan/step.ts";
import type { Registry } from "../plugin/registry.ts";
import { silentProgress } from "../util/progress.ts";
import type { ArtifactStore } from "./artifact_store.ts";
import { loadData } from "../steps/data/data_step.ts";
import type { StepEnv } from "../steps/env.ts";
import { loadSplit, sampledPatients } from "../steps/split/split_step.ts";
import { type PatientSplit, resolveSplit } from "../steps/split/split.ts";
import { ConfigError } from "../util/errors.ts";

/** How each split's cells (and sampled classifiers) draw their patients, by split step id and size. */
function samplings(graph: StepGraph): Map<string, Map<number, Sampling>> {
  const sizes = new Map<string, Map<number, Sampling>>();
  const add = (split: string, sample: Sampling | undefined) => {
    if (sample === undefined) return;
    sizes.set(split, (sizes.get(split) ?? new Map()).set(sample.size, sample));
  };
  for (const step of graph.steps) {
    if (step.kind === "segmenter") add(step.settings.split, step.settings.sample);
    if (step.kind === "classifier") add(step.settings.split, step.settings.sample);
  }
  return sizes;
}

function counts(split: PatientSplit): string {
  const all = split.train.length + split.val.length + split.test.length;
  return `train ${split.train.length}, val ${split.val.length}, test ${split.test.length} ` +
    `of ${all} patients`;
}

/** What is wrong with one split and its sample sizes (empty when nothing). */
export function splitProblems(
  step: SplitStep,
  split: PatientSplit,
  labelledAt: (size: number) => number,
  sizes: Iterable<number>,
): string[] {
  const problems: string[] = [];
  const { test, val } = step.settings.split;
  if (split.test.length === 0) {
    problems.push(
      `${step.label}: the test set is empty (${counts(split)}; split.test ${test} of each ` +
        `diagnosis group rounds to no patient)`,
    );
  }
  if (split.val.length === 0 && val > 0) {
    problems.push(
      `${step.label}: the validation set is empty (${counts(split)}; split.val ${val} of each ` +
        `diagnosis group rounds to no patient)`,
    );
  }
  for (const size of [...sizes].sort((a, b) => b - a)) {
    if (labelledAt(size) > 0) continue;
    const least = Math.ceil((50 / split.train.length) * 100) / 100;
    problems.push(
      `${step.label}, sample size ${size}%: no labelled training patient ` +
        `(${size}% of ${split.train.length} training patients rounds to none` +
        (split.train.length > 0 ? `; use at least ${least}%)` : ")"),
    );
  }
  return problems;
}

/**
 * For `plan`: checks the splits when the data step is already finished in `store`
 * (verified); does nothing otherwise (`run` checks them before training).
 */
export async function checkFinishedSplits(
  graph: StepGraph,
  registry: Registry,
  store: ArtifactStore,
  backend: string,
): Promise<void> {
  for (const step of graph.steps) {
    if (step.kind === "data" && (await store.verify(step.id)).status !== "ok") return;
  }
  const env: StepEnv = {
    registry,
    store,
    outDir: dirname(store.root),
    backend,
    signal: new AbortController().signal,
    log: { info() {}, warn() {} },
    progress: silentProgress,
    memo: new Map(),
  };
  await checkSplits(env, graph);
}

/**
 * Checks every split of the graph (its data step must be finished; a split not stored yet is
 * computed here, without storing it); throws a {@linkcode ConfigError} listing each problem.
 */
export async function checkSplits(env: StepEnv, graph: StepGraph): Promise<void> {
  const sizes = samplings(graph);
  const problems: string[] = [];
  for (const step of graph.steps) {
    if (step.kind !== "split") continue;
    const data = await loadData(env, step.settings.data);
    const stored = (await env.store.verify(step.id)).status === "ok";
    const split = stored
      ? await loadSplit(env, step.id)
      : resolveSplit(data, step.settings.split, step.settings.seed);
    const bySize = sizes.get(step.id) ?? new Map<number, Sampling>();
    const labelledAt = (size: number) => {
      try {
        return sampledPatients(data, split, bySize.get(size)!, step.settings.seed).train.length;
      } catch (error) {
        if (error instanceof ConfigError) return 0; // the size rounds to no patient
        throw error;
      }
    };
    problems.push(...splitProblems(step, split, labelledAt, [...bySize.keys()]));
  }
  if (problems.length === 0) return;
  throw new ConfigError(
    [
      "the split leaves a set without patients, so nothing was trained:",
      ...problems.map((p) => `  ${p}`),
      "use more patients, other split fractions or sample sizes, or the dataset's test list",
    ].join("\n"),
  );
}
