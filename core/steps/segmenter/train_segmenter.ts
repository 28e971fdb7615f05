/**
 * Step: train a segmenter on one channel recipe and sample size, then evaluate it. Uses
 * the experiment's loss, class weights (cross-entropy term), augmentation (images, priors
 * and label maps warped together; intensity jitter on image channels only), learning-rate
 * schedule and optional search over dropout and learning rate, picked on validation loss.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import { SEGMENTATION_CLASSES } from "../../plugin/cohort.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import { SegmentationConfusion, segmentationMetrics } from "../../metrics/segmentation.ts";
import type { SegmentationMetrics } from "../../metrics/segmentation.ts";
import type { NetworkSpec, PluginContext } from "../../plugin/plugin.ts";
import type { Registry } from "../../plugin/registry.ts";
import { batchAugmenter } from "../../training/augment.ts";
import type { BatchLoss, EpochReport, FitResult } from "../../training/fit.ts";
import { oneHotTargets, type SegmentationLoss, segmentationLoss } from "../../training/losses.ts";
import type { SegmenterTrainingSettings } from "../../training/settings.ts";
import { applySegmenter, warnIfFusedSoftmax } from "./segmenter_output.ts";
import {
  bestLoss,
  type Candidate,
  gridSearch,
  searchGrid,
  type Trial,
} from "../../training/search.ts";
import { inputTensor, labelTensor, type PriorMaps } from "../data/inputs.ts";
import {
  candidateOptions,
  type CandidateRun,
  classWeightTensor,
  fitCandidate,
  logSearch,
  type ModelTraining,
} from "../../training/candidate.ts";
import { predictBatched } from "../../training/predict.ts";
import { startStrategy, type StrategyRef } from "./strategy_training.ts";

/** Slices of one cell, with the priors aligned to each set. */
export interface SegmenterData {
  readonly train: PreparedSlices;
  readonly val: PreparedSlices;
  readonly test: PreparedSlices;
  readonly trainPriors: PriorMaps;
  readonly valPriors: PriorMaps;
  readonly testPriors: PriorMaps;
  /** The unlabelled pool (training patients without labels), for a strategy. */
  readonly unlabelled?: PreparedSlices;
  readonly unlabelledPriors?: PriorMaps;
}

/** Test-set metrics and how training went. */
export interface SegmenterOutcome {
  readonly metrics: SegmentationMetrics;
  readonly fit: FitResult;
  /** Predicted label maps of the test slices, aligned with `data.test`. */
  readonly predictions: Uint8Array;
  /** The search candidate kept (`{}` without a search). */
  readonly chosen: Candidate;
  /** Every candidate tried, in grid order (one without a search). */
  readonly trials: readonly Trial[];
  /** The trained network (the kept candidate); the caller disposes it. */
  readonly model: tfl.LayersModel;
}

const NUM_CLASSES = SEGMENTATION_CLASSES.length;

function dataset(prepared: PreparedSlices, channels: readonly string[], priors: PriorMaps) {
  return { inputs: inputTensor(prepared, channels, priors), targets: labelTensor(prepared) };
}

/** The segmentation loss on probabilities and label maps. */
function segmenterLoss(lossFn: SegmentationLoss): BatchLoss {
  return (model, inputs, targets, training) =>
    tf.tidy(() =>
      lossFn(
        applySegmenter(model, inputs, training),
        oneHotTargets(targets, NUM_CLASSES) as tf.Tensor4D,
      )
    );
}

/** A candidate run of a segmenter: which channels it sees, its strategy and pool. */
interface SegmenterRun extends CandidateRun<SegmenterTrainingSettings> {
  readonly channels: readonly string[];
  readonly lossFn: SegmentationLoss;
  readonly strategy?: StrategyRef;
  readonly pool?: tf.Tensor4D;
}

/** Builds a fresh network with the candidate's options and trains it. */
async function trainCandidate(run: SegmenterRun, candidate: Candidate) {
  const { plugin, options, training } = run.model;
  const definition = run.registry.get("segmenter", plugin);
  const segmenterOptions = candidateOptions(definition, options, candidate);
  const spec: NetworkSpec = {
    inputShape: [run.size, run.size, run.channels.length],
    numClasses: NUM_CLASSES,
  };
  const jitter = run.channels.map((c) => c === IMAGE_CHANNEL);
  const fitTraining = {
    settings: training,
    label: `segmenter ${plugin} (${run.channels.join(",")})`,
    augment: batchAugmenter(training.augment, "segmentation", jitter),
  };
  if (!run.strategy) {
    const instance = await definition.create(segmenterOptions, run.context);
    const model = instance.build(spec);
    warnIfFusedSoftmax(model, plugin, run.context.log);
    return { model, fit: await fitCandidate(run, candidate, model, fitTraining) };
  }
  const { strategy, step } = await startStrategy({
    registry: run.registry,
    context: run.context,
    strategy: run.strategy,
    segmenter: { plugin, options: segmenterOptions },
    spec: spec,
    loss: run.lossFn,
    imageChannels: jitter,
    augment: training.augment,
    batchSize: training.batchSize,
    pool: run.pool,
  });
  try {
    const label = `${fitTraining.label} ${run.strategy.plugin}`;
    const fit = await fitCandidate(run, candidate, strategy.model, { ...fitTraining, label, step });
    return { model: strategy.model, fit };
  } finally {
    strategy.dispose();
  }
}

/** Predicts the test slices and scores them. */
async function evaluate(
  model: tfl.LayersModel,
  test: PreparedSlices,
  inputs: tf.Tensor4D,
  batchSize: number,
  plugin: string,
) {
  const argMax = (p: tf.Tensor) => tf.argMax(p, -1);
  const culprit = `segmenter plugin "${plugin}": its prediction of the test slices`;
  const predicted = await predictBatched(model, inputs, batchSize, argMax, culprit);
  const predictions = Uint8Array.from(predicted);
  const confusion = new SegmentationConfusion(NUM_CLASSES).add(test.labels, predictions);
  return { metrics: segmentationMetrics(confusion), predictions };
}

/**
 * Trains the segmenter `model` names on `channels` (`image`, or a key of the prior maps)
 * and evaluates it on the test slices. The caller disposes the returned `model`.
 */
export async function trainSegmenter(
  model: ModelTraining<SegmenterTrainingSettings>,
  registry: Registry,
  context: PluginContext,
  channels: readonly string[],
  data: SegmenterData,
  onEpoch?: (report: EpochReport) => void,
  strategy?: StrategyRef,
): Promise<SegmenterOutcome> {
  const { plugin, training } = model;
  const weights = classWeightTensor(training.classWeights, data.train.labels, NUM_CLASSES);
  const tensors: tf.Tensor[] = weights ? [weights] : [];
  let trained: tfl.LayersModel | undefined;
  try {
    const train = dataset(data.train, channels, data.trainPriors);
    const val = data.val.count > 0 ? dataset(data.val, channels, data.valPriors) : undefined;
    tensors.push(train.inputs, train.targets, ...(val ? [val.inputs, val.targets] : []));
    const pool = strategy && data.unlabelled && data.unlabelled.count > 0
      ? inputTensor(data.unlabelled, channels, data.unlabelledPriors ?? new Map())
      : undefined;
    if (pool) tensors.push(pool);
    const lossFn = segmentationLoss(training.loss, weights);
    const run: SegmenterRun = {
      model,
      registry,
      context,
      channels,
      size: data.train.size,
      train,
      val,
      loss: segmenterLoss(lossFn),
      lossFn,
      strategy,
      pool,
      onEpoch,
    };
    const outcome = await gridSearch(
      searchGrid(training.search),
      (candidate) => trainCandidate(run, candidate),
      (result) => bestLoss(result.fit),
      (result) => result.model.dispose(),
    );
    logSearch(context.log, `segmenter ${plugin}`, outcome);
    trained = outcome.result.model;
    const testInputs = inputTensor(data.test, channels, data.testPriors);
    tensors.push(testInputs);
    const scored = await evaluate(trained, data.test, testInputs, training.batchSize, plugin);
    const result = { ...scored, fit: outcome.result.fit, chosen: outcome.best };
    return { ...result, trials: outcome.trials, model: trained };
  } catch (error) {
    trained?.dispose();
    throw error;
  } finally {
    tf.dispose(tensors);
  }
}
