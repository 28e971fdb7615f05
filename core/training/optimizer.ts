/**
 * Builds the optimizer named in the training settings.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TrainingSettings } from "../experiment_schema.ts";

/** Adam, or SGD with momentum (the paper's choice for VGG16). */
export function makeOptimizer(settings: TrainingSettings): tf.Optimizer {
  return settings.optimizer === "sgd"
    ? tf.train.momentum(settings.learningRate, settings.momentum)
    : tf.train.adam(settings.learningRate);
}
