/**
 * Grid cells: one segmenter training per channel recipe × sample size × seed, each with a
 * key that hashes every setting its result depends on.
 *
 * @module
 */
import { type ChannelRecipe, priorsOf } from "./channels.ts";
import type { Experiment } from "./experiment.ts";
import { hashOf } from "./hash.ts";

/** One grid cell. */
export interface Cell {
  readonly recipe: ChannelRecipe;
  readonly sampleSize: number;
  readonly seed: number;
  /** Hash of everything the cell's result depends on. */
  readonly key: string;
}

/** Settings that decide a cell's result. */
function cellInputs(experiment: Experiment, recipe: ChannelRecipe, size: number, seed: number) {
  const priors = priorsOf(recipe).map((name) => experiment.priors[name]);
  return {
    dataset: experiment.dataset,
    preprocess: experiment.preprocess,
    split: experiment.split,
    classifier: priors.length > 0 ? experiment.classifier : null,
    priors,
    segmenter: experiment.segmenter,
    channels: recipe.channels,
    sampleSize: size,
    seed,
  };
}

/**
 * Every cell of the grid, seeds outermost (one classifier per seed serves its cells).
 * `backend` is part of the key since results differ across backends.
 */
export function planCells(experiment: Experiment, backend: string): Cell[] {
  return experiment.seeds.flatMap((seed) =>
    experiment.grid.sampleSizes.flatMap((sampleSize) =>
      experiment.grid.recipes.map((recipe) => ({
        recipe,
        sampleSize,
        seed,
        key: hashOf({ backend, ...cellInputs(experiment, recipe, sampleSize, seed) }),
      }))
    )
  );
}

/** A short label like `3Ch+CAM* @ 50% seed 1`. */
export function cellLabel(cell: Cell): string {
  return `${cell.recipe.name} @ ${cell.sampleSize}% seed ${cell.seed}`;
}
