/**
 * The contract of training-strategy plugins: how a cell's segmenter learns from its
 * labelled slices and, for semi-supervised strategies, from the unlabelled pool (the
 * training patients without segmentation labels at the cell's sample size). `create`
 * returns a {@linkcode StrategyInstance}; `start` builds the networks of one training run.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { StepInfo, TensorDataset } from "../training/fit.ts";
import type { SegmentationLoss } from "../training/losses.ts";

/** What a strategy is given to build its networks and compute its losses. */
export interface StrategySetup {
  /**
   * Builds a freshly initialised segmenter; network 0 is the one a supervised run would
   * train, network `i > 0` draws its initial weights from a seed derived from `i`.
   */
  build(index: number): tfl.LayersModel;
  /** The experiment's supervised loss on a segmenter output and one-hot targets. */
  readonly loss: SegmentationLoss;
  readonly numClasses: number;
  /** Per input channel: whether it holds image intensities (false: a prior map). */
  readonly imageChannels: readonly boolean[];
  /** The cell's seed. */
  readonly seed: number;
}

/** One step's data: an augmented labelled batch and the unlabelled images paired with it. */
export interface StrategyBatch {
  /** Images `[N, H, W, C]` and integer label maps `[N, H, W]`. */
  readonly labelled: TensorDataset;
  /** Weakly augmented unlabelled images; absent when the strategy wants none. */
  readonly unlabelled?: tf.Tensor4D;
  readonly info: StepInfo;
}

/** A strategy started on one cell: owns its networks until disposed. */
export interface TrainingStrategy {
  /** The network that is validated, kept at its best epoch and evaluated. */
  readonly model: tfl.LayersModel;
  /** Every network the strategy holds (`model` among them), e.g. student and teacher. */
  readonly networks: readonly tfl.LayersModel[];
  /** Unlabelled batches paired with each labelled batch (0: none). */
  readonly unlabelledBatches: number;
  /** Runs one optimisation step (and any update after it); returns the loss. */
  step(batch: StrategyBatch, optimizer: tf.Optimizer): tf.Scalar;
  /** Frees everything the strategy made except `model`. */
  dispose(): void;
}

/** Creates a {@linkcode TrainingStrategy} for a cell. */
export interface StrategyInstance {
  start(setup: StrategySetup): TrainingStrategy;
}

/** What a strategy plugin may have besides the common plugin members. */
export interface StrategyHooks {
  /**
   * Cost of one training step relative to a supervised step with the same batch size, for
   * `plan`'s estimate (rows forwarded and back-propagated; default 1).
   */
  readonly stepCost?: (options: Record<string, unknown>) => number;
}
