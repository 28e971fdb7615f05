/**
 * The strategy axis of the grid: every channel recipe trains under every strategy. When the
 * grid trains `supervised` only, cells keep the recipes' names (and their step ids);
 * otherwise a cell is named `<recipe> <strategy>` in every table, figure and comparison.
 *
 * @module
 */
import type { ChannelRecipe } from "./channels.ts";

/** The default strategy's plugin (and name). */
export const SUPERVISED = "supervised";

/** A strategy of the grid whose options passed the plugin's schema. */
export interface ResolvedStrategy {
  /** Its name in tables (default: the plugin's name). */
  readonly name: string;
  readonly plugin: string;
  readonly options: Record<string, unknown>;
}

/** A proposed cell name and the baseline it is compared against. */
export interface NamedPair {
  readonly proposed: string;
  readonly baseline: string;
}

/** Whether the grid trains with the default `supervised` strategy only. */
export function supervisedOnly(strategies: readonly ResolvedStrategy[]): boolean {
  return strategies.length === 1 && strategies[0].name === SUPERVISED &&
    strategies[0].plugin === SUPERVISED;
}

/** The recipe as cells of `strategy` show it: renamed `<recipe> <strategy>` unless supervised-only. */
export function strategyRecipe(
  recipe: ChannelRecipe,
  strategy: ResolvedStrategy,
  strategies: readonly ResolvedStrategy[],
): ChannelRecipe {
  return supervisedOnly(strategies)
    ? recipe
    : { ...recipe, name: `${recipe.name} ${strategy.name}` };
}

/** Every recipe × strategy as the cells name them, strategy by strategy. */
export function cellRecipes(
  recipes: readonly ChannelRecipe[],
  strategies: readonly ResolvedStrategy[],
): ChannelRecipe[] {
  return strategies.flatMap((s) => recipes.map((r) => strategyRecipe(r, s, strategies)));
}

/**
 * Default comparisons with strategies: `withinStrategy` (the recipe comparisons) under each
 * strategy, then each semi-supervised strategy against `supervised` on the same recipe
 * (when the grid has `supervised`).
 */
export function strategyComparisons<T extends NamedPair>(
  recipes: readonly ChannelRecipe[],
  strategies: readonly ResolvedStrategy[],
  withinStrategy: (recipes: readonly ChannelRecipe[]) => T[],
): (T | NamedPair)[] {
  const baseline = strategies.find((s) => s.plugin === SUPERVISED);
  const within = strategies.flatMap((s) =>
    withinStrategy(recipes.map((r) => strategyRecipe(r, s, strategies)))
  );
  const against = baseline === undefined ? [] : strategies.filter((s) => s !== baseline)
    .flatMap((s) =>
      recipes.map((r) => ({
        proposed: strategyRecipe(r, s, strategies).name,
        baseline: strategyRecipe(r, baseline, strategies).name,
      }))
    );
  return [...within, ...against];
}
