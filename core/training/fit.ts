/**
 * The training loop shared by classifiers and segmenters: seeded mini-batches, losses
 * accumulated on the device and read back once per epoch, NaN/Inf detection naming the
 * epoch and step, early stopping on validation loss restoring the best weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { CampriorError, throwIfInterrupted } from "../errors.ts";
import type { TrainingSettings } from "../experiment_schema.ts";
import { seededRandom, shuffled } from "../random.ts";
import { makeOptimizer } from "./optimizer.ts";

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

/** Losses of one finished epoch. */
export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly valLoss?: number;
}

/** Options of {@linkcode fit}. */
export interface FitOptions {
  readonly settings: TrainingSettings;
  readonly loss: BatchLoss;
  readonly seed: number;
  readonly signal: AbortSignal;
  /** What is being trained, for error messages (e.g. `classifier tiny-cnn`). */
  readonly label: string;
  readonly onEpoch?: (report: EpochReport) => void;
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

function takeRows(data: TensorDataset, rows: readonly number[]) {
  const index = tf.tensor1d(rows as number[], "int32");
  const picked = { inputs: tf.gather(data.inputs, index), targets: tf.gather(data.targets, index) };
  index.dispose();
  return picked;
}

function trainEpoch(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  data: TensorDataset,
  options: FitOptions,
  epoch: number,
): tf.Scalar[] {
  const count = data.inputs.shape[0];
  const order = shuffled([...Array(count).keys()], seededRandom(options.seed * 7919 + epoch));
  return batchesOf(count, options.settings.batchSize, order).map((rows) => {
    throwIfInterrupted(options.signal, `${options.label}, epoch ${epoch}`);
    const batch = takeRows(data, rows);
    const loss = optimizer.minimize(
      () => options.loss(model, batch.inputs as tf.Tensor4D, batch.targets, true),
      true,
    ) as tf.Scalar;
    tf.dispose([batch.inputs, batch.targets]);
    return loss;
  });
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

function assertFinite(losses: Float32Array, epoch: number, options: FitOptions): void {
  const step = losses.findIndex((value) => !Number.isFinite(value));
  if (step >= 0) {
    throw new CampriorError(
      `${options.label}: loss became ${losses[step]} at epoch ${epoch}, step ${step + 1}; ` +
        `try a lower learning rate (now ${options.settings.learningRate}) or check the inputs`,
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

/** Trains `model` in place; with `val`, stops early and restores the best weights. */
export async function fit(
  model: tfl.LayersModel,
  train: TensorDataset,
  val: TensorDataset | undefined,
  options: FitOptions,
): Promise<FitResult> {
  const optimizer = makeOptimizer(options.settings);
  const history: EpochReport[] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= options.settings.epochs; epoch++) {
      const stepLosses = trainEpoch(model, optimizer, train, options, epoch);
      const valLoss = val ? validationLoss(model, val, options) : undefined;
      const losses = await readEpochLosses(stepLosses, valLoss);
      assertFinite(losses.train, epoch, options);
      const report: EpochReport = {
        epoch,
        epochs: options.settings.epochs,
        loss: losses.train.reduce((a, b) => a + b, 0) / losses.train.length,
        valLoss: losses.val,
      };
      history.push(report);
      options.onEpoch?.(report);
      const monitored = report.valLoss ?? report.loss;
      if (monitored < best.loss) {
        tf.dispose(best.weights);
        best = { loss: monitored, epoch, weights: model.getWeights().map((w) => tf.clone(w)) };
      } else if (val && epoch - best.epoch >= options.settings.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } finally {
    tf.dispose(best.weights);
    optimizer.dispose();
  }
  return { history, bestEpoch: best.epoch, stoppedEarly };
}
