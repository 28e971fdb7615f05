/**
 * The zod schemas of training settings, shared by the classifier and segmenter steps.
 * Training owns them; the experiment schema embeds them.
 *
 * @module
 */
import { z } from "zod";
import { boundedNumber } from "../util/zod_format.ts";
import { augmentSchema } from "./augment.ts";
import { classWeightsSchema } from "./class_weights.ts";
import { SEGMENTATION_LOSSES } from "./losses.ts";
import { scheduleSchema } from "./schedule.ts";
import { searchSchema } from "./search.ts";

const learningRate = z.number().gt(0, { error: "expected a learning rate above 0" }).max(10);

/** Settings shared by every training loop. */
export const trainingSchema = z.strictObject({
  epochs: boundedNumber(1, 10000, true).default(20),
  batchSize: boundedNumber(1, 4096, true).default(8),
  learningRate: learningRate.default(1e-3),
  optimizer: z.enum(["adam", "sgd"]).default("adam"),
  momentum: boundedNumber(0, 1).default(0.9),
  /** Epochs without validation-loss improvement before stopping (the paper: 10). */
  patience: boundedNumber(0, 10000, true).default(10),
  schedule: scheduleSchema.default({ type: "constant" })
    .describe("learning-rate schedule: constant, plateau (reduce on plateau) or cosine"),
  augment: augmentSchema.default(augmentSchema.parse({}))
    .describe("training-batch augmentation (flips, rotation, shift, intensity); off by default"),
  classWeights: classWeightsSchema.default("none")
    .describe("cross-entropy weight per true class: none, balanced or one number per class"),
  search: searchSchema.optional()
    .describe("grid search over dropout and learning rate, kept by lowest validation loss"),
});

/** Training settings of segmenters: the shared ones and the loss (the paper's: soft IoU). */
export const segmenterTrainingSchema = trainingSchema.extend({
  loss: z.enum(SEGMENTATION_LOSSES).default("iou"),
});

/** Training settings with defaults filled. */
export type TrainingSettings = z.output<typeof trainingSchema>;

/** Segmenter training settings with defaults filled. */
export type SegmenterTrainingSettings = z.output<typeof segmenterTrainingSchema>;
