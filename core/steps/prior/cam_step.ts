/**
 * The cam step: saliency maps of every slice from a trained classifier (for out-of-fold
 * priors, each fold's training patients get the maps of the classifier that did not see
 * them), with Adebayo et al.'s model randomisation check.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import type { CamStep, ClassifierStep } from "../../plan/step.ts";
import type { ClassifierNetwork } from "../../plugin/plugin.ts";
import { modelRandomisationTest } from "../../xai/cam_quality.ts";
import {
  buildNetwork,
  foldsOf,
  loadClassifier,
  trainingPatients,
} from "../classifier/classifier_step.ts";
import { loadData } from "../data/data_step.ts";
import { inputTensor } from "../data/inputs.ts";
import { type PreparedSlices, selectSlices } from "../data/prepared.ts";
import { pluginContext, type StepEnv } from "../env.ts";
import { loadSplit } from "../split/split_step.ts";
import { explainAll } from "./compute_maps.ts";
import { commitMaps } from "./maps.ts";

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
