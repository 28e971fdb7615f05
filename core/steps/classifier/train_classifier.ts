/**
 * Training a classifier: on what its `input` shows of each slice (the slice, its ED/ES pair
 * or its neighbours), for its `target` (the diagnosis, or the free phase or stack position),
 * with the experiment's class weights, augmentation, learning-rate schedule and
 * (optionally) a search over dropout and learning rate that keeps the network with the
 * lowest validation loss.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { PreparedSlices } from "../data/prepared.ts";
import type { ClassifierNetwork, PluginContext } from "../../plugin/plugin.ts";
import type { Registry } from "../../plugin/registry.ts";
import { batchAugmenter } from "../../training/augment.ts";
import { classificationCrossEntropy, oneHotTargets } from "../../training/losses.ts";
import type { BatchLoss, EpochReport, FitResult, TensorDataset } from "../../training/fit.ts";
import {
  bestLoss,
  type Candidate,
  gridSearch,
  searchGrid,
  type Trial,
} from "../../training/search.ts";
import {
  type ClassifierInput,
  classifierInputTensor,
  inputChannelCount,
} from "./classifier_inputs.ts";
import { type ClassifierTarget, TARGET_CLASSES, targetLabels } from "./classifier_targets.ts";
import {
  candidateOptions,
  type CandidateRun,
  classWeightTensor,
  fitCandidate,
  logSearch,
  type ModelTraining,
} from "../../training/candidate.ts";

/** A trained classifier and how its training went. */
export interface TrainedClassifier {
  readonly network: ClassifierNetwork;
  readonly fit: FitResult;
  /** The search candidate kept (`{}` without a search). */
  readonly chosen: Candidate;
  /** Every candidate tried, in grid order (one without a search). */
  readonly trials: readonly Trial[];
}

/** What a classifier sees of a slice and learns to predict. */
export interface ClassifierTask {
  readonly input: ClassifierInput;
  readonly target: ClassifierTarget;
}

function classDataset(prepared: PreparedSlices, task: ClassifierTask): TensorDataset {
  return {
    inputs: classifierInputTensor(prepared, task.input),
    targets: tf.tensor1d(targetLabels(prepared.meta, task.target), "int32"),
  };
}

/** Cross-entropy of the logits against the targets, weighted by class if asked. */
function classifierLoss(weights: tf.Tensor1D | undefined, classes: number): BatchLoss {
  return (model, inputs, targets, training) =>
    tf.tidy(() =>
      classificationCrossEntropy(
        model.apply(inputs, { training }) as tf.Tensor2D,
        oneHotTargets(targets, classes) as tf.Tensor2D,
        weights,
      )
    );
}

/** Builds a fresh network with the candidate's options and trains it. */
async function trainCandidate(run: CandidateRun, task: ClassifierTask, candidate: Candidate) {
  const { plugin, options, training } = run.model;
  const definition = run.registry.get("classifier", plugin);
  const instance = await definition.create(
    candidateOptions(definition, options, candidate),
    run.context,
  );
  const network = instance.build({
    inputShape: [run.size, run.size, inputChannelCount(task.input)],
    numClasses: TARGET_CLASSES[task.target].length,
  });
  const result = await fitCandidate(run, candidate, network.model, {
    settings: training,
    label: `classifier ${plugin}`,
    augment: batchAugmenter(training.augment, "classification"),
  });
  return { network, fit: result };
}

/**
 * Builds the classifier `model` names and trains it for its input and target on `train`,
 * stopping early on `val`; with `training.search`, trains every candidate and keeps the best
 * on `val`.
 */
export async function trainClassifier(
  model: ModelTraining & ClassifierTask,
  registry: Registry,
  context: PluginContext,
  train: PreparedSlices,
  val: PreparedSlices,
  onEpoch?: (report: EpochReport) => void,
): Promise<TrainedClassifier> {
  const { plugin, training } = model;
  const task: ClassifierTask = { input: model.input, target: model.target };
  const classes = TARGET_CLASSES[task.target].length;
  const labels = targetLabels(train.meta, task.target);
  const weights = classWeightTensor(training.classWeights, labels, classes);
  const run: CandidateRun = {
    model,
    registry,
    context,
    size: train.size,
    train: classDataset(train, task),
    val: val.count > 0 ? classDataset(val, task) : undefined,
    loss: classifierLoss(weights, classes),
    onEpoch,
  };
  try {
    const outcome = await gridSearch(
      searchGrid(training.search),
      (candidate) => trainCandidate(run, task, candidate),
      (result) => bestLoss(result.fit),
      (result) => result.network.model.dispose(),
    );
    logSearch(context.log, `classifier ${plugin}`, outcome);
    return { ...outcome.result, chosen: outcome.best, trials: outcome.trials };
  } finally {
    const sets = run.val ? [run.train, run.val] : [run.train];
    tf.dispose([...sets.flatMap((s) => [s.inputs, s.targets]), ...(weights ? [weights] : [])]);
  }
}
