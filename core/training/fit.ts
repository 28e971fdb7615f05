/**
 * The training loop shared by classifiers and segmenters: seeded mini-batches (optionally
 * augmented on the device), losses accumulated on the device and read back once per epoch,
 * NaN/Inf detection naming the epoch and step, a learning-rate schedule stepped per epoch,
 * and early stopping on validation loss restoring the best weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { CampriorError, throwIfInterrupted } from "../util/errors.ts";
import { letEventsIn } from "../util/event_loop.ts";
import { deriveSeed, seededRandom, shuffled } from "../util/random.ts";
import { EarlyStopping } from "./early_stopping.ts";
import { makeOptimizer, type OptimizerSettings, type ScheduledOptimizer } from "./optimizer.ts";
import { makeSchedule, type ScheduleSettings } from "./schedule.ts";

/** Inputs and targets on the device; row i of each belongs together. */
export interface TensorDataset {
  readonly inputs: tf.Tensor4D;
  readonly targets: tf.Tensor;
}

/** Computes the scalar loss of a batch; `training` enables dropout and the like. */
export type BatchLoss = (
  model: tfl.LayersModel,
  inputs: tf.Tensor4D,
  targets: tf.Tensor,
  training: boolean,
) => tf.Scalar;

/** Where a training step is: epoch (1-based) and step (0-based) of how many, its seed. */
export interface StepInfo {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Seed of this step (augmentation and anything else random in it). */
  readonly seed: number;
}

/**
 * One optimisation step on an (augmented) training batch; returns the batch's loss, which
 * the caller disposes. The default minimises {@linkcode FitOptions.loss} over the model's
 * trainable weights; a training strategy (semi-supervised) brings its own.
 */
export type TrainStep = (
  batch: TensorDataset,
  optimizer: tf.Optimizer,
  info: StepInfo,
) => tf.Scalar;

/** Returns a new, augmented copy of a training batch; `seed` differs per step. */
export type BatchAugmenter = (batch: TensorDataset, seed: number) => TensorDataset;

/** Losses of one finished epoch. */
export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly valLoss?: number;
  /** Learning rate used during this epoch. */
  readonly learningRate: number;
  /** Wall time of the epoch (training and validation loss). */
  readonly seconds: number;
}

/** The settings {@linkcode fit} reads (a subset of the experiment's training settings). */
export interface FitSettings extends OptimizerSettings {
  readonly epochs: number;
  readonly batchSize: number;
  /** Epochs without validation-loss improvement before stopping. */
  readonly patience: number;
  readonly schedule: ScheduleSettings;
}

/** Options of {@linkcode fit}. */
export interface FitOptions {
  readonly settings: FitSettings;
  readonly loss: BatchLoss;
  readonly seed: number;
  readonly signal: AbortSignal;
  /** What is being trained, for error messages (e.g. `classifier tiny-cnn`). */
  readonly label: string;
  /** Applied to every training batch before its step. */
  readonly augment?: BatchAugmenter;
  /** Replaces the supervised step (see {@linkcode TrainStep}); `loss` still scores `val`. */
  readonly step?: TrainStep;
  /** Called after each epoch; training waits for a returned promise. */
  readonly onEpoch?: (report: EpochReport) => unknown;
}

/** What a finished training run did. */
export interface FitResult {
  readonly history: readonly EpochReport[];
  /** Epoch (1-based) whose weights the model holds at the end. */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

function batchesOf(count: number, batchSize: number, order: readonly number[]): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  return batches;
}

/** Rows of a dataset; contiguous rows are sliced (no gather, nothing to differentiate). */
function takeRows(data: TensorDataset, rows: readonly number[]): TensorDataset {
  const contiguous = rows.every((row, i) => row === rows[0] + i);
  if (contiguous) {
    const pick = <T extends tf.Tensor>(t: T) =>
      tf.slice(t, [rows[0], ...t.shape.slice(1).map(() => 0)], [rows.length, ...t.shape.slice(1)]);
    return { inputs: pick(data.inputs), targets: pick(data.targets) };
  }
  return tf.tidy(() => {
    const index = tf.tensor1d(rows as number[], "int32");
    return { inputs: tf.gather(data.inputs, index), targets: tf.gather(data.targets, index) };
  });
}

function trainingBatch(
  data: TensorDataset,
  rows: readonly number[],
  options: FitOptions,
  seed: number,
) {
  const batch = takeRows(data, rows);
  if (!options.augment) return batch;
  const augmented = options.augment(batch, seed);
  tf.dispose([batch.inputs, batch.targets]);
  return augmented;
}

/** The default step: minimise the loss over the model's trainable weights. */
function supervisedStep(model: tfl.LayersModel, loss: BatchLoss): TrainStep {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return (batch, optimizer) =>
    optimizer.minimize(
      () => loss(model, batch.inputs as tf.Tensor4D, batch.targets, true),
      true,
      variables,
    ) as tf.Scalar;
}

async function trainEpoch(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  data: TensorDataset,
  options: FitOptions,
  epoch: number,
): Promise<tf.Scalar[]> {
  const count = data.inputs.shape[0];
  const order = shuffled([...Array(count).keys()], seededRandom(options.seed * 7919 + epoch));
  const trainStep = options.step ?? supervisedStep(model, options.loss);
  const batches = batchesOf(count, options.settings.batchSize, order);
  const losses: tf.Scalar[] = [];
  try {
    for (const [step, rows] of batches.entries()) {
      await letEventsIn(); // so that Ctrl-C (or a pool's stop) reaches the signal
      throwIfInterrupted(options.signal, `${options.label}, epoch ${epoch}`);
      const seed = deriveSeed(options.seed, `${epoch}/${step}`);
      const batch = trainingBatch(data, rows, options, seed);
      const info = {
        epoch,
        epochs: options.settings.epochs,
        step,
        stepsPerEpoch: batches.length,
        seed,
      };
      try {
        losses.push(trainStep(batch, optimizer, info));
      } finally {
        tf.dispose([batch.inputs, batch.targets]);
      }
    }
  } catch (error) {
    tf.dispose(losses);
    throw error;
  }
  return losses;
}

/** Validation loss, weighted by batch size, kept on the device. */
function validationLoss(model: tfl.LayersModel, data: TensorDataset, options: FitOptions) {
  const count = data.inputs.shape[0];
  const batches = batchesOf(count, options.settings.batchSize, [...Array(count).keys()]);
  return tf.tidy(() =>
    batches.map((rows) => {
      const batch = takeRows(data, rows);
      return tf.mul(options.loss(model, batch.inputs, batch.targets, false), rows.length / count);
    }).reduce((a, b) => tf.add(a, b)) as tf.Scalar
  );
}

/** The training loss became NaN or infinite. */
export class LossNotFiniteError extends CampriorError {
  override name = "LossNotFiniteError";
}

function assertFinite(losses: Float32Array, epoch: number, rate: number, options: FitOptions) {
  const step = losses.findIndex((value) => !Number.isFinite(value));
  if (step >= 0) {
    throw new LossNotFiniteError(
      `${options.label}: loss became ${losses[step]} at epoch ${epoch}, step ${step + 1}; ` +
        `try a lower learning rate (now ${rate}) or check the inputs`,
    );
  }
}

/** Epoch losses, read back from the device in one transfer. */
async function readEpochLosses(stepLosses: tf.Scalar[], valLoss: tf.Scalar | undefined) {
  const all = tf.stack(valLoss ? [...stepLosses, valLoss] : stepLosses);
  const values = await all.data() as Float32Array;
  tf.dispose([all, ...stepLosses, ...(valLoss ? [valLoss] : [])]);
  const train = values.subarray(0, stepLosses.length);
  return { train, val: valLoss ? values[stepLosses.length] : undefined };
}

/** Trains one epoch and returns its report (losses read back once). */
async function runEpoch(
  model: tfl.LayersModel,
  optimizer: ScheduledOptimizer,
  train: TensorDataset,
  val: TensorDataset | undefined,
  options: FitOptions,
  epoch: number,
): Promise<EpochReport> {
  const started = performance.now();
  const stepLosses = await trainEpoch(model, optimizer.optimizer, train, options, epoch);
  const valLoss = val ? validationLoss(model, val, options) : undefined;
  const losses = await readEpochLosses(stepLosses, valLoss);
  assertFinite(losses.train, epoch, optimizer.learningRate, options);
  return {
    epoch,
    epochs: options.settings.epochs,
    loss: losses.train.reduce((a, b) => a + b, 0) / losses.train.length,
    valLoss: losses.val,
    learningRate: optimizer.learningRate,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Trains `model` in place. The monitored loss is the validation loss when `val` is given
 * (else the training loss); the model ends with the weights of the epoch where it was
 * lowest. With `val`, training stops after `patience` epochs without improvement.
 */
export async function fit(
  model: tfl.LayersModel,
  train: TensorDataset,
  val: TensorDataset | undefined,
  options: FitOptions,
): Promise<FitResult> {
  const { settings } = options;
  const schedule = makeSchedule(settings.schedule, settings.learningRate, settings.epochs);
  const optimizer = makeOptimizer(settings, schedule.initial);
  const stopping = new EarlyStopping(settings.patience);
  const history: EpochReport[] = [];
  let bestWeights: tf.Tensor[] = [];
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const report = await runEpoch(model, optimizer, train, val, options, epoch);
      history.push(report);
      await options.onEpoch?.(report);
      const monitored = report.valLoss ?? report.loss;
      const decision = stopping.update(epoch, monitored);
      if (decision === "improved") {
        tf.dispose(bestWeights);
        bestWeights = model.getWeights().map((w) => tf.clone(w));
      } else if (decision === "stop" && val) {
        stoppedEarly = true;
        break;
      }
      optimizer.setLearningRate(schedule.next(epoch, monitored));
    }
    if (bestWeights.length > 0) model.setWeights(bestWeights);
  } finally {
    tf.dispose(bestWeights);
    optimizer.dispose();
  }
  return { history, bestEpoch: stopping.bestEpoch, stoppedEarly };
}
