/**
 * Prior maps: the cam step (saliency maps of every slice from a trained classifier), the
 * population step (mean heart mask of the labelled training patients) and the prior step
 * (a post-processing chain over either). Maps are aligned with the data artifact's slices.
 *
 * @module
 */
import { join } from "node:path";
import { explainAll, postprocessAll } from "../pipeline/priors.ts";
import { readFloat32, writeArray } from "../store/artifact_store.ts";
import * as tf from "@tensorflow/tfjs-core";
import { IMAGE_CHANNEL } from "../channels.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import { inputTensor } from "../pipeline/inputs.ts";
import type { ClassifierNetwork } from "../plugin.ts";
import { modelRandomisationTest } from "../xai/cam_quality.ts";
import { selectSlices } from "../data/prepared.ts";
import { buildNetwork, foldsOf, loadClassifier, trainingPatients } from "./classifier_step.ts";
import { loadData } from "./data_step.ts";
import { describeStep, memoized, pluginContext, type StepEnv } from "./env.ts";
import { populationPrior } from "../xai/population_prior.ts";
import { patientSubset } from "../pipeline/subsets.ts";
import { loadSplit, sampledPatients } from "./split_step.ts";
import type { CamStep, ClassifierStep, PopulationStep, PriorStep, Step } from "./step.ts";

async function commitMaps(
  env: StepEnv,
  step: Step,
  maps: Float32Array,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "maps.f32"), maps);
    for (const [name, value] of Object.entries(extra)) {
      await Deno.writeTextFile(join(dir, `${name}.json`), JSON.stringify(value, null, 2));
    }
  });
}

/** Slices used for the model randomisation check. */
const SANITY_SLICES = 32;

/**
 * Adebayo et al.'s model randomisation test: how similar the maps of the trained classifier
 * are to those of the same architecture freshly initialised (low is good).
 */
async function randomisationCheck(
  env: StepEnv,
  step: CamStep,
  network: ClassifierNetwork,
  prepared: PreparedSlices,
) {
  const context = pluginContext(env, step.seed);
  const xai = await env.registry.get("xai", step.xai.plugin).create(step.xai.options, context);
  const randomised = await buildNetwork(env, step.seed + 7919, prepared.size);
  const count = Math.min(SANITY_SLICES, prepared.count);
  const images = tf.tidy(() =>
    tf.slice(inputTensor(prepared, [IMAGE_CHANNEL], new Map()), 0, count) as tf.Tensor4D
  );
  try {
    const similarity = await modelRandomisationTest(xai, network, randomised, images);
    return { slices: count, spearman: similarity.spearman, ssim: similarity.ssim };
  } finally {
    images.dispose();
    randomised.model.dispose();
  }
}

/**
 * Replaces the maps of each fold's training patients with those of the classifier that did
 * not see them (out-of-fold priors).
 */
async function replaceOutOfFold(
  env: StepEnv,
  step: CamStep,
  folds: readonly ClassifierStep[],
  maps: Float32Array,
): Promise<void> {
  if (folds.length === 0) return;
  const data = await loadData(env, step.dataId);
  const split = await loadSplit(env, folds[0].splitId);
  const train = trainingPatients(data, split, { ...folds[0], fold: undefined });
  const foldOf = foldsOf(data, train.train, folds.length, folds[0].seed);
  const pixels = data.prepared.size * data.prepared.size;
  for (const classifier of folds) {
    const indices = data.prepared.meta.flatMap((m, i) =>
      foldOf.get(m.patientId) === classifier.fold ? [i] : []
    );
    const held = new Set(indices);
    const slices = selectSlices(data.prepared, (_m, i) => held.has(i));
    const network = await loadClassifier(env, classifier);
    try {
      const context = pluginContext(env, step.seed);
      const foldMaps = await explainAll(env.registry, step.xai, context, network, slices);
      indices.forEach((slice, k) =>
        maps.set(foldMaps.subarray(k * pixels, (k + 1) * pixels), slice * pixels)
      );
    } finally {
      network.model.dispose();
    }
  }
}

/** Computes the saliency maps of every slice. */
export async function runCamStep(
  env: StepEnv,
  step: CamStep,
  classifier: ClassifierStep,
  folds: readonly ClassifierStep[],
): Promise<void> {
  const { prepared } = await loadData(env, step.dataId);
  const network = await loadClassifier(env, classifier);
  try {
    const context = pluginContext(env, step.seed);
    const maps = await explainAll(env.registry, step.xai, context, network, prepared);
    await replaceOutOfFold(env, step, folds, maps);
    const randomisation = await randomisationCheck(env, step, network, prepared);
    env.log.info(
      `${step.label}: maps vs randomised classifier: Spearman ${randomisation.spearman.toFixed(3)}`,
    );
    await commitMaps(env, step, maps, { randomisation });
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

/**
 * Computes the population prior: the mean heart mask of the slices of the training patients
 * that have segmentation labels at the step's sample size. One map serves every slice, so
 * only it is stored.
 */
export async function runPopulationStep(env: StepEnv, step: PopulationStep): Promise<void> {
  const data = await loadData(env, step.dataId);
  const split = await loadSplit(env, step.splitId);
  const labelled = sampledPatients(data, split, step.sampleSize, step.seed).train;
  const { slices } = patientSubset(data.prepared, new Map(), labelled);
  const { size } = slices;
  const prior = populationPrior(slices.labels, size, size, { threshold: step.threshold });
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "map.f32"), prior.data);
    await Deno.writeTextFile(
      join(dir, "index.json"),
      JSON.stringify({ count: data.prepared.count, slicesUsed: slices.count }),
    );
  });
}

async function readMaps(dir: string): Promise<Float32Array> {
  try {
    return await readFloat32(join(dir, "maps.f32"));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const map = await readFloat32(join(dir, "map.f32"));
  const { count } = JSON.parse(await Deno.readTextFile(join(dir, "index.json")));
  const maps = new Float32Array(count * map.length);
  for (let i = 0; i < count; i++) maps.set(map, i * map.length);
  return maps;
}

/** The randomisation check a cam step recorded, if any. */
export async function loadRandomisation(
  env: StepEnv,
  id: string,
): Promise<{ slices: number; spearman: number; ssim: number } | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(env.store.dir(id), "randomisation.json")));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Reads the maps of a cam, population or prior step (once per run), one per slice. */
export function loadMaps(env: StepEnv, id: string): Promise<Float32Array> {
  return memoized(env, id, () => readMaps(env.store.dir(id)));
}
