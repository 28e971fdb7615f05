/**
 * The zod schema of experiment files, before plugin options are resolved.
 * Plugin references are checked generically here (`{ plugin, options }`); each plugin's
 * own schema validates its options afterwards (see `experiment.ts`).
 *
 * @module
 */
import { z } from "zod";
import { IMAGE_CHANNEL } from "./channels.ts";
import { executorSchema } from "../run/executor_schema.ts";
import {
  segmenterTrainingSchema,
  type SegmenterTrainingSettings,
  trainingSchema,
  type TrainingSettings,
} from "../training/settings.ts";
import { boundedNumber } from "../util/zod_format.ts";

const pluginName = z.string().regex(/^[A-Za-z0-9][\w.+-]*$/, {
  error: (issue) => `expected a plugin name, got ${JSON.stringify(issue.input)}`,
});

/** `{ plugin, options }`, or just the plugin name as a string. */
export const pluginRefSchema = z.union([
  pluginName.transform((plugin) => ({ plugin, options: {} as Record<string, unknown> })),
  z.strictObject({
    plugin: pluginName,
    options: z.record(z.string(), z.unknown()).default({}),
  }),
]);

/** A plugin reference as written: name, or name and options. */
export type PluginRefInput = z.input<typeof pluginRefSchema>;

const priorNameSchema = z.string().regex(/^[^\s+,]+$/, {
  error: (issue) =>
    `expected a prior name without spaces, "+" or ",", got ${JSON.stringify(issue.input)}`,
}).refine((name) => name !== IMAGE_CHANNEL, {
  error: `"${IMAGE_CHANNEL}" is reserved for the grayscale slice`,
});

/**
 * A named prior: maps from the classifier by a saliency method (`source: "classifier"`), or
 * the population prior (`source: "population"`: the mean heart mask of the patients with
 * segmentation labels at the cell's sample size, a control for "where hearts usually
 * are"); then a chain of post-processors.
 */
export const priorSchema = z.strictObject({
  source: z.enum(["classifier", "population"]).default("classifier"),
  /** Overrides the experiment's `xai` plugin for this prior. */
  xai: pluginRefSchema.optional(),
  /** Population prior only: 1 where the heart frequency reaches it, else 0. */
  threshold: boundedNumber(0, 1).optional(),
  postprocess: z.array(pluginRefSchema).default([]),
});

const recipeSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string().optional(),
    channels: z.array(z.string()).min(1, { error: "expected at least one channel" }),
  }),
]);

const seedSchema = boundedNumber(0, 2 ** 31 - 1, true);

/** The experiment file schema (plugin options unresolved). */
export const experimentFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1, { error: "expected a non-empty name" }),
  description: z.string().optional(),
  /** `auto` (webgpu when available, else wasm) or a backend plugin name. */
  backend: z.string().default("auto"),
  seeds: z.array(seedSchema).min(1, { error: "expected at least one seed" }).default([1]),
  /** Third-party plugin modules: paths relative to this file, or URLs. */
  plugins: z.array(z.string()).default([]),
  dataset: pluginRefSchema,
  /** Defaults of the optional fields live in `data/preprocess.ts` (`PREPROCESS_DEFAULTS`). */
  preprocess: z.strictObject({
    size: boundedNumber(8, 1024, true).default(128),
    crop: z.enum(["none", "center", "heart"]).optional()
      .describe("none (default): whole slice; center; heart: zoom in on the heart, label-free"),
    cropFraction: boundedNumber(0.1, 1).optional()
      .describe("crop side as a fraction of the shorter slice side (default 0.65)"),
    spacing: boundedNumber(0.1, 10).optional()
      .describe("output pixel spacing in mm for slices with known spacing (crop = size × spacing)"),
    clip: z.tuple([boundedNumber(0, 100), boundedNumber(0, 100)]).refine(([a, b]) => a < b, {
      error: "expected [low, high] percentiles with low < high",
    }).optional().describe("intensity percentiles to clip to before scaling (default [1, 99])"),
  }).default({ size: 128 }),
  split: z.strictObject({
    /** `predefined`: the dataset's list files; a set they leave empty is drawn from train. */
    mode: z.enum(["random", "predefined"]).default("random"),
    val: boundedNumber(0, 0.9).default(0.2),
    test: boundedNumber(0, 0.9).default(0.2),
  }).default({ mode: "random", val: 0.2, test: 0.2 }),
  classifier: z.strictObject({
    plugin: pluginName,
    options: z.record(z.string(), z.unknown()).default({}),
    /** `all`: diagnosis labels of every training patient (cheap); `sample`: the cell's subset. */
    trainOn: z.enum(["all", "sample"]).default("all"),
    training: trainingSchema.default(trainingSchema.parse({})),
  }),
  xai: pluginRefSchema.default({ plugin: "gradcam", options: {} }),
  priors: z.record(priorNameSchema, priorSchema).default({}),
  /**
   * Which classifier makes the priors of the segmentation training images: `same-model`
   * (the paper's: the classifier that saw them) or `out-of-fold` (k folds over the training
   * patients; each fold's priors come from a classifier trained on the other folds, so
   * training and test priors are of the same quality). Val/test priors come from the
   * classifier trained on all training patients either way.
   */
  priorsFrom: z.strictObject({
    mode: z.enum(["same-model", "out-of-fold"]).default("same-model"),
    folds: boundedNumber(2, 20, true).default(5),
  }).default({ mode: "same-model", folds: 5 }),
  segmenter: z.strictObject({
    plugin: pluginName,
    options: z.record(z.string(), z.unknown()).default({}),
    training: segmenterTrainingSchema.default(segmenterTrainingSchema.parse({})),
  }),
  grid: z.strictObject({
    channels: z.array(recipeSchema).min(1, { error: "expected at least one channel recipe" }),
    /** Percent of the training and validation patients with segmentation labels. */
    sampleSizes: z.array(boundedNumber(1, 100)).min(1, {
      error: "expected at least one sample size",
    }),
  }),
  report: z.strictObject({
    /** Recipe pairs to compare (Figure 2, Wilcoxon tests); default: each prior recipe
     * against the image-only recipe with as many channels, else with as many images. */
    comparisons: z.array(z.strictObject({ proposed: z.string(), baseline: z.string() }))
      .optional(),
    /** Example slices in Figure 3. */
    examples: boundedNumber(1, 32, true).default(4),
  }).default({ examples: 4 }),
  /** Where the steps run: `{ "type": "local" }` (default) or `{ "type": "slurm", … }`. */
  executor: executorSchema.default({ type: "local" }),
});

/** An experiment file after the generic schema (defaults filled). */
export type ExperimentFile = z.output<typeof experimentFileSchema>;

export type { SegmenterTrainingSettings, TrainingSettings };
export { trainingSchema };
