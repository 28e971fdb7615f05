/**
 * The cam step (saliency maps of every slice from a trained classifier) and the prior step
 * (a post-processing chain over a cam step's maps). Both write `maps.f32`, aligned with the
 * data artifact's slices.
 *
 * @module
 */
import { join } from "node:path";
import { explainAll, postprocessAll } from "../pipeline/priors.ts";
import { readFloat32, writeArray } from "../store/artifact_store.ts";
import { loadClassifier } from "./classifier_step.ts";
import { loadData } from "./data_step.ts";
import { describeStep, memoized, pluginContext, type StepEnv } from "./env.ts";
import type { CamStep, ClassifierStep, PriorStep, Step } from "./step.ts";

async function commitMaps(env: StepEnv, step: Step, maps: Float32Array): Promise<void> {
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "maps.f32"), maps);
  });
}

/** Computes the saliency maps of every slice. */
export async function runCamStep(
  env: StepEnv,
  step: CamStep,
  classifier: ClassifierStep,
): Promise<void> {
  const { prepared } = await loadData(env, step.dataId);
  const network = await loadClassifier(env, classifier, prepared.size);
  try {
    const context = pluginContext(env, step.seed);
    const maps = await explainAll(env.registry, step.xai, context, network, prepared);
    await commitMaps(env, step, maps);
  } finally {
    network.model.dispose();
  }
}

/** Applies the prior's post-processing chain to its cam step's maps. */
export async function runPriorStep(env: StepEnv, step: PriorStep, size: number): Promise<void> {
  const cams = await loadMaps(env, step.camId);
  const context = pluginContext(env, step.seed);
  await commitMaps(env, step, await postprocessAll(env.registry, step.chain, context, cams, size));
}

/** Reads the maps of a cam or prior step (once per run). */
export function loadMaps(env: StepEnv, id: string): Promise<Float32Array> {
  return memoized(env, id, () => readFloat32(join(env.store.dir(id), "maps.f32")));
}
