/**
 * Step: train the diagnosis classifier on grayscale slices.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { DIAGNOSES, diagnosisIndex } from "../cohort.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import type { Experiment } from "../experiment.ts";
import type { ClassifierNetwork, PluginContext } from "../plugin.ts";
import type { Registry } from "../registry.ts";
import { classificationCrossEntropy } from "../training/losses.ts";
import { type EpochReport, fit, type FitResult, type TensorDataset } from "../training/fit.ts";
import { IMAGE_CHANNEL } from "../channels.ts";
import { inputTensor } from "./inputs.ts";

/** A trained classifier and how its training went. */
export interface TrainedClassifier {
  readonly network: ClassifierNetwork;
  readonly fit: FitResult;
}

function classDataset(prepared: PreparedSlices): TensorDataset {
  return {
    inputs: inputTensor(prepared, [IMAGE_CHANNEL], new Map()),
    targets: tf.tensor1d(prepared.meta.map((m) => diagnosisIndex(m.group)), "int32"),
  };
}

/** Builds the experiment's classifier and trains it on `train`, stopping early on `val`. */
export async function trainClassifier(
  experiment: Experiment,
  registry: Registry,
  context: PluginContext,
  train: PreparedSlices,
  val: PreparedSlices,
  onEpoch?: (report: EpochReport) => void,
): Promise<TrainedClassifier> {
  const { plugin, options, training } = experiment.classifier;
  const instance = await registry.get("classifier", plugin).create(options, context);
  const network = instance.build({
    inputShape: [train.size, train.size, 1],
    numClasses: DIAGNOSES.length,
  });
  const trainData = classDataset(train);
  const valData = val.count > 0 ? classDataset(val) : undefined;
  try {
    const result = await fit(network.model, trainData, valData, {
      settings: training,
      seed: context.seed,
      signal: context.signal,
      label: `classifier ${plugin}`,
      onEpoch,
      loss: (model, inputs, targets, isTraining) =>
        tf.tidy(() =>
          classificationCrossEntropy(
            model.apply(inputs, { training: isTraining }) as tf.Tensor2D,
            tf.oneHot(targets as tf.Tensor1D, DIAGNOSES.length) as tf.Tensor2D,
          )
        ),
    });
    return { network, fit: result };
  } finally {
    tf.dispose([trainData.inputs, trainData.targets]);
    if (valData) tf.dispose([valData.inputs, valData.targets]);
  }
}
