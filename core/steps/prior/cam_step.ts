/**
 * The cam step: saliency maps of every slice from a trained classifier (for out-of-fold
 * priors, each fold's training patients get the maps of the classifier that did not see
 * them), with Adebayo et al.'s model randomisation check.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import type { CamSettings, CamStep } from "../../plan/step.ts";
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
  settings: CamSettings,
  network: ClassifierNetwork,
  prepared: PreparedSlices,
) {
  const { xai: ref, seed } = settings;
  const xai = await env.registry.get("xai", ref.plugin).create(
    ref.options,
    pluginContext(env, seed),
  );
  const randomised = await buildNetwork(env, settings.network, seed + 7919, prepared.size);
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
  settings: CamSettings,
  maps: Float32Array,
): Promise<void> {
  const { outOfFold, seed } = settings;
  if (!outOfFold) return;
  const data = await loadData(env, settings.data);
  const split = await loadSplit(env, outOfFold.split);
  const train = trainingPatients(data, split, { sample: outOfFold.sample, seed });
  const foldOf = foldsOf(data, train.train, outOfFold.classifiers.length, seed);
  const pixels = data.prepared.size * data.prepared.size;
  for (const [fold, classifier] of outOfFold.classifiers.entries()) {
    const indices = data.prepared.meta.flatMap((m, i) =>
      foldOf.get(m.patientId) === fold ? [i] : []
    );
    const held = new Set(indices);
    const slices = selectSlices(data.prepared, (_m, i) => held.has(i));
    const network = await loadClassifier(env, classifier);
    try {
      const context = pluginContext(env, seed);
      const foldMaps = await explainAll(env.registry, settings.xai, context, network, slices);
      indices.forEach((slice, k) =>
        maps.set(foldMaps.subarray(k * pixels, (k + 1) * pixels), slice * pixels)
      );
    } finally {
      network.model.dispose();
    }
  }
}

/** Computes the saliency maps of every slice. */
export async function runCamStep(env: StepEnv, step: CamStep): Promise<void> {
  const { settings } = step;
  const { prepared } = await loadData(env, settings.data);
  const network = await loadClassifier(env, settings.classifier);
  try {
    const context = pluginContext(env, settings.seed);
    const maps = await explainAll(env.registry, settings.xai, context, network, prepared);
    await replaceOutOfFold(env, settings, maps);
    const randomisation = await randomisationCheck(env, settings, network, prepared);
    env.log.info(
      `${step.label}: maps vs randomised classifier: Spearman ${randomisation.spearman.toFixed(3)}`,
    );
    await commitMaps(env, step, maps, { randomisation });
  } finally {
    network.model.dispose();
  }
}
