/**
 * What the classifier and segmenter steps share when training: plugin options for a
 * search candidate, training one candidate, class weights on the device, and a log of the
 * search.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import {
  type BatchAugmenter,
  type BatchLoss,
  type EpochReport,
  fit,
  type FitResult,
  type FitSettings,
  type TensorDataset,
  type TrainStep,
} from "./fit.ts";
import { ConfigError } from "../util/errors.ts";
import type { Logger } from "../util/logger.ts";
import type { AnyPlugin } from "../plugin/plugin.ts";
import { type ClassWeightsSetting, resolveClassWeights } from "./class_weights.ts";
import {
  type Candidate,
  describeCandidate,
  type SearchOutcome,
  withDropout,
  withLearningRate,
} from "./search.ts";
import { formatZodIssues } from "../util/zod_format.ts";
import type { TrainingSettings } from "./settings.ts";

/** The plugin's options with the candidate's dropout, validated by the plugin's schema. */
export function candidateOptions(
  plugin: AnyPlugin,
  options: Readonly<Record<string, unknown>>,
  candidate: Candidate,
): Record<string, unknown> {
  if (candidate.dropout === undefined) return { ...options };
  const parsed = plugin.options.safeParse(withDropout(options, candidate));
  if (!parsed.success) {
    throw new ConfigError(
      `search.dropout: ${plugin.kind} plugin "${plugin.name}" does not take this dropout:\n` +
        formatZodIssues(parsed.error.issues, "options"),
    );
  }
  return parsed.data as Record<string, unknown>;
}

/** Class weights as a tensor (the caller disposes it), or undefined for `none`. */
export function classWeightTensor(
  setting: ClassWeightsSetting,
  labels: ArrayLike<number>,
  numClasses: number,
): tf.Tensor1D | undefined {
  const weights = resolveClassWeights(setting, labels, numClasses);
  return weights ? tf.tensor1d(weights) : undefined;
}

/** Logs each candidate's validation loss and the winner, when there was a search. */
export function logSearch<T>(log: Logger, label: string, outcome: SearchOutcome<T>): void {
  if (outcome.trials.length < 2) return;
  for (const trial of outcome.trials) {
    const result = trial.error ?? `best validation loss ${trial.valLoss.toFixed(4)}`;
    log.info(`${label} search, ${describeCandidate(trial.candidate)}: ${result}`);
  }
  log.info(`${label} search picked ${describeCandidate(outcome.best)}`);
}

/** A network plugin and how to train it, as a step's settings give them. */
export interface ModelTraining<T extends { readonly learningRate: number } = TrainingSettings> {
  readonly plugin: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly training: T;
}

/** Everything one candidate training run needs besides the candidate and the model. */
export interface CandidateRun<T extends { readonly learningRate: number } = TrainingSettings> {
  readonly model: ModelTraining<T>;
  readonly registry: Registry;
  readonly context: PluginContext;
  readonly size: number;
  readonly train: TensorDataset;
  readonly val?: TensorDataset;
  readonly loss: BatchLoss;
  readonly onEpoch?: (report: EpochReport) => void;
}

/** How a step trains its model: settings before the candidate, label, augmentation. */
export interface CandidateTraining {
  readonly settings: FitSettings;
  readonly label: string;
  readonly augment: BatchAugmenter | undefined;
  /** A training strategy's step (default: minimise the run's loss). */
  readonly step?: TrainStep;
}

/**
 * Trains a freshly built `model` with the candidate's learning rate on the run's data;
 * disposes the model when training fails.
 */
export async function fitCandidate<T extends { readonly learningRate: number }>(
  run: CandidateRun<T>,
  candidate: Candidate,
  model: tfl.LayersModel,
  training: CandidateTraining,
): Promise<FitResult> {
  try {
    return await fit(model, run.train, run.val, {
      settings: withLearningRate(training.settings, candidate),
      seed: run.context.seed,
      signal: run.context.signal,
      label: training.label,
      onEpoch: run.onEpoch,
      augment: training.augment,
      step: training.step,
      loss: run.loss,
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
}
