/**
 * The classifier step: train a classifier (diagnosis, or a free target, on the slice or its
 * ED/ES pair or neighbours) and save it as a tfjs checkpoint (`model.json` + `weights.bin`)
 * in its artifact folder, with its slice- and patient-level test metrics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import type { SlicePrediction } from "../../metrics/classifier_evaluation.ts";
import {
  type ClassifierInput,
  classifierInputTensor,
  inputChannelCount,
} from "./classifier_inputs.ts";
import { classifierTestMetrics } from "./classifier_metrics.ts";
import { type ClassifierTarget, TARGET_CLASSES, targetLabels } from "./classifier_targets.ts";
import { predictBatched } from "../../training/predict.ts";
import { patientSubset } from "../data/subsets.ts";
import { trainClassifier } from "./train_classifier.ts";
import type { ClassifierNetwork } from "../../plugin/plugin.ts";
import { loadClassifierCheckpoint, saveCheckpoint } from "../../training/checkpoint.ts";
import { assignFolds, type PatientSplit } from "../split/split.ts";
import { type DataArtifact, loadData } from "../data/data_step.ts";
import { describeStep, pluginContext, type StepEnv } from "../env.ts";
import { epochProgress } from "../epoch_progress.ts";
import { loadSplit, sampledPatients } from "../split/split_step.ts";
import type { ClassifierSettings, ClassifierStep, PluginSettings } from "../../plan/step.ts";

/** A freshly initialised network of a classifier plugin for an input and a target. */
export async function buildNetwork(
  env: StepEnv,
  { plugin, options }: PluginSettings,
  seed: number,
  size: number,
  input: ClassifierInput,
  target: ClassifierTarget,
): Promise<ClassifierNetwork> {
  const instance = await env.registry.get("classifier", plugin).create(
    options,
    pluginContext(env, seed),
  );
  return instance.build({
    inputShape: [size, size, inputChannelCount(input)],
    numClasses: TARGET_CLASSES[target].length,
  });
}

/** Slice- and unit-level metrics of the classifier on the test slices. */
async function testMetrics(network: ClassifierNetwork, env: StepEnv, step: ClassifierStep) {
  const { data: dataId, split: splitId, input, target } = step.settings;
  const data = await loadData(env, dataId);
  const split = await loadSplit(env, splitId);
  const test = patientSubset(data.prepared, new Map(), split.test).slices;
  if (test.count === 0) return undefined;
  const inputs = classifierInputTensor(test, input);
  const probs = await predictBatched(network.model, inputs, 32, (logits) => tf.softmax(logits));
  inputs.dispose();
  const classes = TARGET_CLASSES[target].length;
  const metrics = classifierTestMetrics(test.meta, probs, classes, target);
  // The report's classifier section (patient-level accuracy, AUC CI, confusion matrix) reads
  // the diagnosis classifier's per-slice predictions.
  const truth = targetLabels(test.meta, target);
  const predictions: SlicePrediction[] | undefined = target === "diagnosis"
    ? test.meta.map((m, i) => ({
      patientId: m.patientId,
      truth: truth[i],
      probabilities: Array.from(probs.subarray(i * classes, (i + 1) * classes)),
    }))
    : undefined;
  return { metrics, predictions };
}

/** Name of a classifier artifact's per-slice test predictions (for the report). */
export const CLASSIFIER_PREDICTIONS_FILE = "test_predictions.json";

/**
 * The training and validation patients of a classifier step: all training patients or a
 * sample size's subset, without the left-out fold for out-of-fold priors.
 */
export function trainingPatients(
  data: DataArtifact,
  split: PatientSplit,
  { sample, fold, seed }: Pick<ClassifierSettings, "sample" | "fold" | "seed">,
): { train: readonly string[]; val: readonly string[] } {
  const patients = sample === undefined ? split : sampledPatients(data, split, sample, seed);
  if (fold === undefined) return patients;
  const folds = foldsOf(data, patients.train, fold.folds, seed);
  return { train: patients.train.filter((id) => folds.get(id) !== fold.index), val: patients.val };
}

/** Fold of each of the given training patients. */
export function foldsOf(
  data: DataArtifact,
  train: readonly string[],
  folds: number,
  seed: number,
): Map<string, number> {
  const wanted = new Set(train);
  return assignFolds(data.patients.filter((p) => wanted.has(p.id)), folds, seed);
}

/** Trains the classifier and writes its weights, history and test metrics. */
export async function runClassifierStep(env: StepEnv, step: ClassifierStep): Promise<void> {
  const { settings } = step;
  const data = await loadData(env, settings.data);
  const split = await loadSplit(env, settings.split);
  const patients = trainingPatients(data, split, settings);
  const train = patientSubset(data.prepared, new Map(), patients.train).slices;
  const val = patientSubset(data.prepared, new Map(), patients.val).slices;
  const progress = epochProgress(env, step.label, settings.training.epochs);
  const context = pluginContext(env, settings.seed);
  const { input, target, training } = settings;
  const model = { ...settings.classifier, training, input, target };
  const trained = await trainClassifier(
    model,
    env.registry,
    context,
    train,
    val,
    progress.onEpoch,
  ).finally(progress.finish);
  try {
    const tested = await testMetrics(trained.network, env, step);
    const metrics = tested?.metrics;
    if (metrics) {
      env.log.info(
        `${step.label}: test ${settings.target} accuracy ${
          metrics.slices.accuracy.toFixed(3)
        } per slice, ${metrics.units.accuracy.toFixed(3)} per unit (AUC ${
          metrics.units.rocAucMacro.toFixed(3)
        })`,
      );
    }
    await env.store.commit(step.id, describeStep(step), async (dir) => {
      await saveCheckpoint(trained.network.model, dir);
      await Deno.writeTextFile(
        join(dir, "training.json"),
        JSON.stringify({ fit: trained.fit, test: metrics, trainSlices: train.count }, null, 2),
      );
      if (tested?.predictions) {
        await Deno.writeTextFile(
          join(dir, CLASSIFIER_PREDICTIONS_FILE),
          JSON.stringify(tested.predictions),
        );
      }
    });
  } finally {
    trained.network.model.dispose();
  }
}

/** Loads a trained classifier from its step's checkpoint; the caller disposes `network.model`. */
export async function loadClassifier(env: StepEnv, id: string): Promise<ClassifierNetwork> {
  return await loadClassifierCheckpoint(await env.store.verifiedDir(id));
}
