/**
 * The prior step: a named prior's post-processing chain over its cam or population step's
 * maps.
 *
 * @module
 */
import type { PriorStep } from "../../plan/step.ts";
import { pluginContext, type StepEnv } from "../env.ts";
import { postprocessAll } from "./compute_maps.ts";
import { commitMaps, loadMaps } from "./maps.ts";

/** Applies the prior's post-processing chain to its cam step's maps. */
export async function runPriorStep(env: StepEnv, step: PriorStep): Promise<void> {
  const { source, size, chain, seed } = step.settings;
  const maps = await loadMaps(env, source);
  const context = pluginContext(env, seed);
  await commitMaps(env, step, await postprocessAll(env.registry, chain, context, maps, size));
}
