/**
 * Training strategies for the segmenter: how the networks are built, what loss one step
 * minimises given a labelled batch and the unlabelled images paired with it, and what
 * happens after the step (an EMA teacher update). `supervised` ignores unlabelled images;
 * semi-supervised strategies (mean teacher, cross pseudo supervision, FixMatch) learn from
 * them. An epoch is counted in labelled batches; each is paired with
 * `unlabelledBatches` batches of unlabelled images drawn in a seeded order from the pool.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { deriveSeed, seededRandom, shuffled } from "../../util/random.ts";
import type { StepInfo, TensorDataset, TrainStep } from "../../training/fit.ts";
import { oneHotTargets, type SegmenterOutput } from "../../training/losses.ts";
import { applySegmenter, outputRows } from "./segmenter_output.ts";
import type {
  StrategyBatch,
  StrategyInstance,
  StrategySetup,
  TrainingStrategy,
} from "../../plugin/strategy.ts";

export type { StrategyBatch, StrategyInstance, StrategySetup, TrainingStrategy };

/** Unlabelled images of a cell, and how to augment them (weakly) before a step. */
export interface UnlabelledPool {
  /** `[M, H, W, C]`, with the same channels (priors included) as the labelled inputs. */
  readonly images: tf.Tensor4D;
  /** Returns a new augmented copy; undefined: use the images as they are. */
  readonly augment?: (images: tf.Tensor4D, seed: number) => tf.Tensor4D;
}

/**
 * Draws unlabelled rows in a seeded order: a shuffled pass over the pool, then another,
 * so every image is used equally often whatever the number of labelled batches.
 */
export class UnlabelledSampler {
  #order: number[] = [];
  #next = 0;
  #passes = 0;

  constructor(readonly size: number, readonly seed: number) {}

  /** The next `count` row indices. */
  take(count: number): number[] {
    const rows: number[] = [];
    while (rows.length < count) {
      if (this.#next >= this.#order.length) {
        this.#order = shuffled(
          [...Array(this.size).keys()],
          seededRandom(deriveSeed(this.seed, `unlabelled pass ${this.#passes++}`)),
        );
        this.#next = 0;
      }
      rows.push(this.#order[this.#next++]);
    }
    return rows;
  }
}

function unlabelledBatch(
  pool: UnlabelledPool,
  sampler: UnlabelledSampler,
  count: number,
  seed: number,
): tf.Tensor4D {
  const images = tf.tidy(() =>
    tf.gather(pool.images, tf.tensor1d(sampler.take(count), "int32")) as tf.Tensor4D
  );
  if (!pool.augment) return images;
  const augmented = pool.augment(images, deriveSeed(seed, "unlabelled"));
  images.dispose();
  return augmented;
}

/**
 * The {@linkcode TrainStep} of a strategy: pairs each labelled batch with
 * `strategy.unlabelledBatches` batches of the same size from `pool` (none without a pool).
 */
export function strategyStep(
  strategy: TrainingStrategy,
  pool: UnlabelledPool | undefined,
  batchSize: number,
  seed: number,
): TrainStep {
  const wanted = pool && pool.images.shape[0] > 0 ? strategy.unlabelledBatches : 0;
  const sampler = pool ? new UnlabelledSampler(pool.images.shape[0], seed) : undefined;
  return (labelled, optimizer, info) => {
    const unlabelled = wanted > 0
      ? unlabelledBatch(pool!, sampler!, wanted * batchSize, info.seed)
      : undefined;
    try {
      return strategy.step({ labelled, unlabelled, info }, optimizer);
    } finally {
      unlabelled?.dispose();
    }
  };
}

/** Fraction of training done after this step, in (0, 1]. */
export function trainingProgress(info: StepInfo): number {
  return ((info.epoch - 1) * info.stepsPerEpoch + info.step + 1) /
    (info.epochs * info.stepsPerEpoch);
}

/** Steps done before this one, counted from 0. */
export function globalStep(info: StepInfo): number {
  return (info.epoch - 1) * info.stepsPerEpoch + info.step;
}

/**
 * The sigmoid-shaped ramp-up of Laine & Aila (ICLR 2017), used by the mean teacher:
 * `exp(−5 (1 − t)²)` with `t` the progress over the first `rampUp` fraction of training
 * (1 from then on; 1 throughout when `rampUp` is 0).
 */
export function sigmoidRampUp(progress: number, rampUp: number): number {
  if (rampUp <= 0) return 1;
  const t = Math.min(1, Math.max(0, progress / rampUp));
  return Math.exp(-5 * (1 - t) ** 2);
}

/** The trainable variables of some networks, for `optimizer.minimize`. */
export function trainableVariables(...models: tfl.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** What {@linkcode jointForward} returns. */
export interface JointOutput {
  /** The experiment's loss on the labelled rows. */
  readonly supervised: tf.Scalar;
  /** The output of all rows, labelled first. */
  readonly output: SegmenterOutput;
  /** The output of the `extra` rows alone. */
  readonly extra?: SegmenterOutput;
}

/**
 * Applies `model` (training mode) to the labelled images and `extra` images in one batch;
 * returns the supervised loss of the labelled rows and the outputs. Call inside a gradient.
 */
export function jointForward(
  setup: StrategySetup,
  model: tfl.LayersModel,
  labelled: TensorDataset,
  extra?: tf.Tensor4D,
): JointOutput {
  const count = labelled.inputs.shape[0];
  const inputs = extra ? tf.concat([labelled.inputs, extra]) : labelled.inputs;
  const output = applySegmenter(model, inputs as tf.Tensor4D, true);
  const supervised = setup.loss(
    extra ? outputRows(output, 0, count) : output,
    oneHotTargets(labelled.targets, setup.numClasses) as tf.Tensor4D,
  );
  return { supervised, output, extra: extra && outputRows(output, count, extra.shape[0]) };
}
