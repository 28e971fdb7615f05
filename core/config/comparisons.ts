/**
 * The report's comparisons: which cell of the grid (the proposed one) is compared with which
 * (its baseline), from the experiment file or by default the paper's Figure 2 pairs.
 *
 * @module
 */
import { type ChannelRecipe, IMAGE_CHANNEL, priorsOf } from "./channels.ts";
import { ConfigError } from "../util/errors.ts";
import type { ExperimentFile } from "./experiment_schema.ts";
import { cellRecipes, type ResolvedStrategy, strategyComparisons } from "./strategies.ts";

/** A proposed cell name (recipe, with its strategy when the grid has several) and its baseline. */
export interface Comparison {
  readonly proposed: string;
  readonly baseline: string;
  /**
   * Which of the paper's Figure 2 panels the pair belongs to: `same-width` (a recipe with a
   * prior against the image-only recipe of as many channels, e.g. 1Ch+CAM* vs 2Ch),
   * `added-prior` (against the same image channels without the prior, e.g. 3Ch+CAM* vs
   * 3Ch); absent for pairs the experiment file names.
   */
  readonly kind?: "same-width" | "added-prior";
}

/**
 * The report's comparisons: the file's `report.comparisons` (each side checked against the
 * grid's cell names), or by default {@linkcode defaultComparisons} for each strategy.
 */
export function resolveComparisons(
  file: ExperimentFile,
  recipes: readonly (ChannelRecipe | undefined)[],
  strategies: readonly ResolvedStrategy[],
): Comparison[] {
  const known = recipes.filter((r) => r !== undefined);
  const names = cellRecipes(known, strategies).map((r) => r.name);
  if (file.report.comparisons) {
    file.report.comparisons.forEach((pair, i) => {
      for (const side of ["proposed", "baseline"] as const) {
        if (!names.includes(pair[side])) {
          throw new ConfigError(
            `report.comparisons[${i}].${side}: "${pair[side]}" is not a recipe of the grid ` +
              `(${names.join(", ")})`,
          );
        }
      }
    });
    return file.report.comparisons;
  }
  return strategyComparisons(known, strategies, defaultComparisons);
}

/**
 * The paper's two comparisons of each recipe with priors, where the grid has the baseline:
 * against the image-only recipe of equal width (Figure 2a), and against the recipe with the
 * same image channels and no prior (Figure 2b).
 */
export function defaultComparisons(recipes: readonly ChannelRecipe[]): Comparison[] {
  const imageOnly = (count: number) =>
    recipes.find((r) => priorsOf(r).length === 0 && r.channels.length === count);
  return recipes.flatMap((recipe): Comparison[] => {
    if (priorsOf(recipe).length === 0) return [];
    const images = recipe.channels.filter((c) => c === IMAGE_CHANNEL).length;
    const sameWidth = imageOnly(recipe.channels.length);
    const withoutPrior = imageOnly(images);
    return [
      ...(sameWidth
        ? [{ proposed: recipe.name, baseline: sameWidth.name, kind: "same-width" as const }]
        : []),
      ...(withoutPrior
        ? [{ proposed: recipe.name, baseline: withoutPrior.name, kind: "added-prior" as const }]
        : []),
    ];
  });
}
