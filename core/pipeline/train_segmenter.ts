/**
 * Step: train a segmenter on one channel recipe and sample size, then evaluate it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { SEGMENTATION_CLASSES } from "../cohort.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import type { Experiment } from "../experiment.ts";
import { SegmentationConfusion, segmentationMetrics } from "../metrics/segmentation.ts";
import type { SegmentationMetrics } from "../metrics/segmentation.ts";
import type { PluginContext } from "../plugin.ts";
import type { Registry } from "../registry.ts";
import { type EpochReport, fit, type FitResult, type TensorDataset } from "../training/fit.ts";
import { segmentationLoss } from "../training/losses.ts";
import { inputTensor, labelTensor, type PriorMaps } from "./inputs.ts";
import { predictBatched } from "./predict.ts";

/** Slices of one cell, with the priors aligned to each set. */
export interface SegmenterData {
  readonly train: PreparedSlices;
  readonly val: PreparedSlices;
  readonly test: PreparedSlices;
  readonly trainPriors: PriorMaps;
  readonly valPriors: PriorMaps;
  readonly testPriors: PriorMaps;
}

/** Test-set metrics and how training went. */
export interface SegmenterOutcome {
  readonly metrics: SegmentationMetrics;
  readonly fit: FitResult;
  /** Predicted label maps of the test slices, aligned with `data.test`. */
  readonly predictions: Uint8Array;
}

const NUM_CLASSES = SEGMENTATION_CLASSES.length;

function dataset(prepared: PreparedSlices, channels: readonly string[], priors: PriorMaps) {
  return { inputs: inputTensor(prepared, channels, priors), targets: labelTensor(prepared) };
}

/** Trains the experiment's segmenter on `channels` and evaluates it on the test slices. */
export async function trainSegmenter(
  experiment: Experiment,
  registry: Registry,
  context: PluginContext,
  channels: readonly string[],
  data: SegmenterData,
  onEpoch?: (report: EpochReport) => void,
): Promise<SegmenterOutcome> {
  const { plugin, options, training } = experiment.segmenter;
  const size = data.train.size;
  const model = (await registry.get("segmenter", plugin).create(options, context)).build({
    inputShape: [size, size, channels.length],
    numClasses: NUM_CLASSES,
  });
  const lossFn = segmentationLoss(training.loss);
  const sets: TensorDataset[] = [];
  try {
    const train = dataset(data.train, channels, data.trainPriors);
    sets.push(train);
    const val = data.val.count > 0 ? dataset(data.val, channels, data.valPriors) : undefined;
    if (val) sets.push(val);
    const result = await fit(model, train, val, {
      settings: training,
      seed: context.seed,
      signal: context.signal,
      label: `segmenter ${plugin} (${channels.join(",")})`,
      onEpoch,
      loss: (m, inputs, targets, isTraining) =>
        tf.tidy(() =>
          lossFn(
            m.apply(inputs, { training: isTraining }) as tf.Tensor4D,
            tf.oneHot(targets as tf.Tensor3D, NUM_CLASSES) as tf.Tensor4D,
          )
        ),
    });
    const testInputs = inputTensor(data.test, channels, data.testPriors);
    sets.push({ inputs: testInputs, targets: testInputs });
    const predicted = await predictBatched(
      model,
      testInputs,
      training.batchSize,
      (probs) => tf.argMax(probs, -1),
    );
    const predictions = Uint8Array.from(predicted);
    const confusion = new SegmentationConfusion(NUM_CLASSES).add(data.test.labels, predictions);
    return { metrics: segmentationMetrics(confusion), fit: result, predictions };
  } finally {
    tf.dispose(sets.flatMap((s) => [s.inputs, s.targets]));
    model.dispose();
  }
}
