/**
 * Shared by the training-strategy tests (not a test itself): a few slices of the `tiny`
 * synthetic cohort split into labelled slices and an unlabelled pool, a small U-Net, and a
 * short training run through `fit` that reports the losses, the tensor count after each
 * epoch and the evaluated network's final weights.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { deriveSeed } from "../core/util/random.ts";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import {
  type StrategyInstance,
  type StrategySetup,
  strategyStep,
} from "../core/steps/segmenter/strategy.ts";
import { augmentBatch, augmentSchema, batchAugmenter } from "../core/training/augment.ts";
import { fit, type TensorDataset } from "../core/training/fit.ts";
import { segmentationLoss } from "../core/training/losses.ts";
import { tinyCohort } from "../plugins/dataset/tiny.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { hostValues, useBackend } from "./model_harness.ts";
import { testContext } from "./backend_parity.ts";

export { hostValues, useBackend };

const SIZE = 16;
const WEAK = augmentSchema.parse({ flipHorizontal: true, rotation: 10 });

/** `tiny` slices as tensors: the first `labelled` with labels, the rest as the pool. */
export function tinySlices(labelled = 4): { labelled: TensorDataset; pool: tf.Tensor4D } {
  const cohort = tinyCohort(2, SIZE, 5);
  const images = cohort.slices.flatMap((s) => [...s.image]);
  const labels = cohort.slices.flatMap((s) => [...s.label]);
  const count = cohort.slices.length;
  const all = tf.tensor4d(images, [count, SIZE, SIZE, 1]);
  const pool = tf.slice(all, labelled) as tf.Tensor4D;
  const inputs = tf.slice(all, 0, labelled) as tf.Tensor4D;
  all.dispose();
  const targets = tf.tensor3d(
    labels.slice(0, labelled * SIZE * SIZE),
    [labelled, SIZE, SIZE],
    "int32",
  );
  return { labelled: { inputs, targets }, pool };
}

/** The setup a strategy gets: a 2-level U-Net with 4 filters, cross-entropy + Dice. */
export function tinySetup(seed = 1): StrategySetup {
  const options = unetPlugin.options.parse({ depth: 1, filters: 4 });
  return {
    build: (i) =>
      (unetPlugin.create(options, {
        ...testContext(),
        seed: i === 0 ? seed : deriveSeed(seed, `network ${i}`),
      }) as SegmenterInstance).build({ inputShape: [SIZE, SIZE, 1], numClasses: 4 }),
    loss: segmentationLoss("crossentropy+dice"),
    numClasses: 4,
    imageChannels: [true],
    seed,
  };
}

/** What a short run produced. */
export interface StrategyRun {
  readonly losses: number[];
  /** `tf.memory().numTensors` after each epoch. */
  readonly tensors: number[];
  /** The evaluated network's weights at the end. */
  readonly weights: Float32Array[];
}

/** Trains `instance` for `epochs` epochs on the tiny slices, with or without the pool. */
export async function runStrategy(
  instance: StrategyInstance,
  options: { epochs?: number; withPool?: boolean; seed?: number } = {},
): Promise<StrategyRun> {
  const { epochs = 3, withPool = true, seed = 1 } = options;
  const before = tf.memory().numTensors;
  const data = tinySlices();
  const strategy = instance.start(tinySetup(seed));
  const tensors: number[] = [];
  try {
    const pool = withPool
      ? {
        images: data.pool,
        augment: (x: tf.Tensor4D, s: number) => augmentBatch({ images: x }, WEAK, s).images,
      }
      : undefined;
    const result = await fit(strategy.model, data.labelled, undefined, {
      settings: trainingSchema.parse({ epochs, batchSize: 2, learningRate: 0.01 }),
      loss: () => tf.scalar(0),
      seed,
      signal: new AbortController().signal,
      label: "strategy test",
      augment: batchAugmenter(WEAK, "segmentation"),
      step: strategyStep(strategy, pool, 2, seed),
      onEpoch: () => void tensors.push(tf.memory().numTensors),
    });
    const weights = await Promise.all(strategy.model.getWeights().map(hostValues));
    return { losses: result.history.map((h) => h.loss), tensors, weights };
  } finally {
    strategy.dispose();
    strategy.model.dispose();
    tf.dispose([data.labelled.inputs, data.labelled.targets, data.pool]);
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  }
}

/** Asserts the tensor count stays flat from the second epoch on (the first keeps best weights). */
export function assertFlatMemory(run: StrategyRun): void {
  assert.ok(run.tensors.slice(1).every((n) => n === run.tensors[1]), `tensors ${run.tensors}`);
}

/** Largest absolute difference between two weight lists. */
export function maxDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  return Math.max(...a.map((w, k) => Math.max(...w.map((v, i) => Math.abs(v - b[k][i])))));
}
