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
  epochs: boundedNumber(1, 10000, true).default(20)
    .describe("most epochs (early stopping may end sooner)"),
  batchSize: boundedNumber(1, 4096, true).default(8).describe("images per training batch"),
  learningRate: learningRate.default(1e-3).describe("base learning rate"),
  optimizer: z.enum(["adam", "sgd"]).default("adam").describe("adam, or sgd with momentum"),
  momentum: boundedNumber(0, 1).default(0.9).describe("sgd only: momentum"),
  patience: boundedNumber(0, 10000, true).default(10).describe(
    "epochs without validation-loss improvement before stopping (the paper: 10); the " +
      "weights of the best epoch are kept",
  ),
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
  loss: z.enum(SEGMENTATION_LOSSES).default("iou")
    .describe("training loss; + sums two (the paper: soft IoU)"),
});

/** Training settings with defaults filled. */
export type TrainingSettings = z.output<typeof trainingSchema>;

/** Segmenter training settings with defaults filled. */
export type SegmenterTrainingSettings = z.output<typeof segmenterTrainingSchema>;
