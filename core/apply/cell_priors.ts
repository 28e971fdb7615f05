/**
 * A cell's prior channels for new slices, computed as the pipeline computed them for its
 * validation and test slices: the prior source's maps (see `sourceMapsFor`: CAMs of the
 * stored classifier trained on all training patients, the stored population prior, motion …),
 * then the prior's post-processing chain.
 *
 * @module
 */
import { IMAGE_CHANNEL } from "../config/channels.ts";
import type { StepGraph } from "../plan/planner.ts";
import type { Step } from "../plan/step.ts";
import type { PreparedSlices } from "../steps/data/prepared.ts";
import type { PriorMaps } from "../steps/data/inputs.ts";
import { pluginContext, type StepEnv } from "../steps/env.ts";
import { postprocessAll } from "../steps/prior/compute_maps.ts";
import { sourceMapsFor } from "../steps/prior/source_step.ts";
import { CampriorError } from "../util/errors.ts";

function stepOf(graph: StepGraph, id: string): Step {
  const step = graph.steps.find((s) => s.id === id);
  if (!step) throw new CampriorError(`step ${id} is not in the plan`);
  return step;
}

/** The maps of the prior step `id` for every slice of `slices`. */
export async function priorMapsFor(
  env: StepEnv,
  graph: StepGraph,
  id: string,
  slices: PreparedSlices,
): Promise<Float32Array> {
  const step = stepOf(graph, id);
  switch (step.kind) {
    case "source":
      return await sourceMapsFor(env, step, slices);
    case "prior": {
      const source = await priorMapsFor(env, graph, step.settings.source, slices);
      const context = pluginContext(env, step.settings.seed);
      return await postprocessAll(env.registry, step.settings.chain, context, source, slices.size);
    }
    default:
      throw new CampriorError(`step ${id} (${step.kind}) makes no prior maps`);
  }
}

/** The prior maps of every non-image channel, keyed as the cell's channels name them. */
export async function cellPriorMaps(
  env: StepEnv,
  graph: StepGraph,
  channels: readonly string[],
  slices: PreparedSlices,
): Promise<PriorMaps> {
  const maps = new Map<string, Float32Array>();
  for (const channel of channels) {
    if (channel !== IMAGE_CHANNEL && !maps.has(channel)) {
      maps.set(channel, await priorMapsFor(env, graph, channel, slices));
    }
  }
  return maps;
}
