/**
 * Gathers Figure 3's examples from the artifact store: for the first comparison, at the
 * smallest sample size and the first seed where both cells finished, the test slices with
 * the largest hearts, with both predictions and the proposed recipe's first prior.
 *
 * @module
 */
import type { Comparison } from "../config/experiment.ts";
import type { StepGraph } from "../plan/step.ts";
import { patientSubset } from "../steps/data/subsets.ts";
import type { CellResult } from "../run/results.ts";
import { loadData } from "../steps/data/data_step.ts";
import type { StepEnv } from "../steps/env.ts";
import { loadMaps } from "../steps/prior/maps.ts";
import { loadPredictions } from "../steps/segmenter/segmenter_step.ts";
import { loadSplit } from "../steps/split/split_step.ts";
import { priorChannels, type SegmenterStep } from "../plan/step.ts";
import { type OverlayExample, pickExamples } from "./figure3.ts";

/** Which cells Figure 3 shows. */
export interface Figure3Source {
  readonly proposed: SegmenterStep;
  readonly baseline: SegmenterStep;
}

/** The cells to show, or undefined when no comparison has both cells finished. */
export function figure3Source(
  graph: StepGraph,
  results: readonly CellResult[],
  comparison: Comparison | undefined,
): Figure3Source | undefined {
  if (!comparison) return undefined;
  const finished = new Set(results.filter((r) => r.status === "done").map((r) => r.id));
  const cell = (recipe: string, size: number, seed: number) =>
    graph.cells.find((c) =>
      c.recipe.name === recipe && c.settings.sample.size === size && c.settings.seed === seed &&
      finished.has(c.id)
    );
  const candidates = [...graph.cells].sort((a, b) =>
    a.settings.sample.size - b.settings.sample.size || a.settings.seed - b.settings.seed
  );
  for (const c of candidates) {
    const proposed = cell(comparison.proposed, c.settings.sample.size, c.settings.seed);
    const baseline = cell(comparison.baseline, c.settings.sample.size, c.settings.seed);
    if (proposed && baseline) return { proposed, baseline };
  }
  return undefined;
}

function sliceOf<T extends Float32Array | Uint8Array>(values: T, index: number, pixels: number): T {
  return values.subarray(index * pixels, (index + 1) * pixels) as T;
}

/** Loads the example rows for {@linkcode figure3Png}. */
export async function figure3Examples(
  env: StepEnv,
  source: Figure3Source,
  count: number,
): Promise<{ examples: OverlayExample[]; size: number }> {
  const { proposed, baseline } = source;
  const data = await loadData(env, proposed.settings.data);
  const split = await loadSplit(env, proposed.settings.split);
  const priorChannel = priorChannels(proposed)[0];
  const priors = new Map<string, Float32Array>();
  if (priorChannel) priors.set(priorChannel.name, await loadMaps(env, priorChannel.step));
  const test = patientSubset(data.prepared, priors, split.test);
  const { size } = test.slices;
  const pixels = size * size;
  const predicted = {
    proposed: await loadPredictions(env, proposed.id),
    baseline: await loadPredictions(env, baseline.id),
  };
  const prior = priorChannel
    ? test.priors.get(priorChannel.name)!
    : new Float32Array(test.slices.images.length);
  const examples = pickExamples(test.slices.labels, size, count).map((i) => ({
    image: sliceOf(test.slices.images, i, pixels),
    truth: sliceOf(test.slices.labels, i, pixels),
    proposed: sliceOf(predicted.proposed, i, pixels),
    baseline: sliceOf(predicted.baseline, i, pixels),
    prior: sliceOf(prior, i, pixels),
  }));
  return { examples, size };
}
