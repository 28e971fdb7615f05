/**
 * The zod schema of experiment files, before plugin options are resolved.
 * Plugin references are checked generically here (`{ plugin, options }`); each plugin's
 * own schema validates its options afterwards (see `experiment.ts`).
 *
 * @module
 */
import { z } from "zod";
import { IMAGE_CHANNEL } from "./channels.ts";
import {
  segmenterTrainingSchema,
  type SegmenterTrainingSettings,
  trainingSchema,
  type TrainingSettings,
} from "../training/settings.ts";
import { boundedNumber } from "../util/zod_format.ts";
import { CLASSIFIER_INPUTS } from "../steps/classifier/classifier_inputs.ts";
import { CLASSIFIER_TARGETS } from "../steps/classifier/classifier_targets.ts";

/** Headline metrics a report can use (`report.metric`; see `core/report/report_metric.ts`). */
export const REPORT_METRICS = ["meanIoU", "foregroundDice", "hd95"] as const;

const pluginName = z.string().regex(/^[A-Za-z0-9][\w.+-]*$/, {
  error: (issue) => `expected a plugin name, got ${JSON.stringify(issue.input)}`,
}).describe("name of a registered plugin (`deno task experiment plugins` lists them)");

const pluginOptions = z.record(z.string(), z.unknown()).default({})
  .describe("the plugin's options (each plugin lists its own; omitted ones take defaults)");

/** `{ plugin, options }`, or just the plugin name as a string. */
export const pluginRefSchema = z.union([
  pluginName.transform((plugin) => ({ plugin, options: {} as Record<string, unknown> })),
  z.strictObject({ plugin: pluginName, options: pluginOptions }),
]);

/**
 * An executor reference: like {@linkcode pluginRefSchema}, or the flat form
 * `{ "type": "slurm", …options }` (`flat` marks it, so errors name the fields as written).
 */
export const executorRefSchema = z.union([
  pluginRefSchema,
  z.looseObject({ type: pluginName }).transform(({ type, ...options }) => ({
    plugin: type,
    options: options as Record<string, unknown>,
    flat: true as const,
  })),
]);

/** A plugin reference as written: name, or name and options. */
export type PluginRefInput = z.input<typeof pluginRefSchema>;

const priorNameSchema = z.string().regex(/^[^\s+,]+$/, {
  error: (issue) =>
    `expected a prior name without spaces, "+" or ",", got ${JSON.stringify(issue.input)}`,
}).refine((name) => name !== IMAGE_CHANNEL, {
  error: `"${IMAGE_CHANNEL}" is reserved for the grayscale slice`,
});

/** The classifier section: network plugin, what it sees and learns, how it trains. */
export const classifierSchema = z.strictObject({
  plugin: pluginName,
  options: pluginOptions,
  input: z.enum(CLASSIFIER_INPUTS).default("slice").describe(
    "what it sees of a slice: slice (the paper), ed-es (the slice and its position at the " +
      "other phase), neighbours (slices k−1, k, k+1)",
  ),
  target: z.enum(CLASSIFIER_TARGETS).default("diagnosis").describe(
    "what it learns: diagnosis (the paper; cheap labels), or the free phase (ED/ES) or " +
      "position (basal/mid/apical third of the stack)",
  ),
  trainOn: z.enum(["all", "sample"]).default("all").describe(
    "all: labels of every training patient (cheap or free); sample: only the cell's " +
      "labelled subset",
  ),
  training: trainingSchema.default(trainingSchema.parse({}))
    .describe("how the classifier trains"),
}).describe("the classifier whose saliency maps become priors");

/** A prior's own classifier: fields that replace the experiment's `classifier` ones. */
const classifierOverrideSchema = z.strictObject({
  plugin: pluginName.optional(),
  options: z.record(z.string(), z.unknown()).optional()
    .describe("the plugin's options (default: the experiment's, or none for another plugin)"),
  input: z.enum(CLASSIFIER_INPUTS).optional().describe("slice, ed-es or neighbours"),
  target: z.enum(CLASSIFIER_TARGETS).optional().describe("diagnosis, phase or position"),
  trainOn: z.enum(["all", "sample"]).optional().describe("all or sample"),
  training: trainingSchema.optional().describe("how this classifier trains"),
}).describe("this prior's own classifier: fields that replace the experiment's classifier's");

/**
 * A named prior: a prior source plugin (`cam`, the default: class activation maps of the
 * classifier; `population`, `motion`, `random-cam`, `constant`, or a third-party source)
 * with its options, then a chain of post-processors. Classifier-based sources take the
 * experiment's `classifier` and `xai` unless the prior names its own. `source:
 * "classifier"` is the old name of `cam`; `threshold` the old form of the population
 * source's option.
 */
export const priorSchema = z.strictObject({
  source: pluginName.default("cam").describe(
    "where the maps come from, a prior source plugin: cam (the classifier's saliency maps), " +
      'motion, population, random-cam, constant ("classifier" is the old name of cam)',
  ),
  options: pluginOptions,
  classifier: classifierOverrideSchema.optional(),
  xai: pluginRefSchema.optional()
    .describe("saliency method for this prior (default: the experiment's xai)"),
  threshold: boundedNumber(0, 1).optional()
    .describe("population source only, old form of its options.threshold"),
  postprocess: z.array(pluginRefSchema).default([])
    .describe("post-processors applied in order to the maps (e.g. mode-filter for CAM*)"),
}).describe("a named prior: where its maps come from and how they are post-processed");

const recipeSchema = z.union([
  z.string(),
  z.strictObject({
    name: z.string().optional().describe("the recipe's name in tables (default: joined channels)"),
    channels: z.array(z.string()).min(1, { error: "expected at least one channel" })
      .describe('input channels in order: "image" (the slice) or a prior\'s name'),
  }),
]);

/**
 * A training strategy of the grid: its plugin name, or `{ name?, plugin, options }` (the
 * name labels its cells in tables; default: the plugin's name).
 */
export const strategyRefSchema = z.union([
  pluginName.transform((plugin) => ({
    name: plugin,
    plugin,
    options: {} as Record<string, unknown>,
  })),
  z.strictObject({
    name: z.string().regex(/^\S+$/, { error: "expected a name without spaces" }).optional()
      .describe("the strategy's name in tables (default: the plugin's name)"),
    plugin: pluginName,
    options: pluginOptions,
  }).transform((ref) => ({ ...ref, name: ref.name ?? ref.plugin })),
]);

const seedSchema = boundedNumber(0, 2 ** 31 - 1, true);

/** The experiment file schema (plugin options unresolved). */
export const experimentFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1, { error: "expected a non-empty name" })
    .describe("the experiment's name (default output folder: out/<name>)"),
  description: z.string().optional().describe("free text shown in the report"),
  backend: pluginRefSchema.default({ plugin: "auto", options: {} }).describe(
    "compute backend: auto (the available backend plugin of highest priority: webgpu on a " +
      "hardware GPU, else wasm), a backend plugin name, or { plugin, options }",
  ),
  seeds: z.array(seedSchema).min(1, { error: "expected at least one seed" }).default([1])
    .describe("random seeds; each seed repeats the grid with its own split and initialisation"),
  plugins: z.array(z.string()).default([])
    .describe("third-party plugin modules: paths relative to this file, or URLs"),
  dataset: pluginRefSchema.describe("the dataset plugin: its name, or { plugin, options }"),
  /** Defaults of the optional fields live in `data/preprocess.ts` (`PREPROCESS_DEFAULTS`). */
  preprocess: z.strictObject({
    size: boundedNumber(8, 1024, true).default(128)
      .describe("side of the square network input in pixels"),
    crop: z.enum(["none", "center", "heart"]).optional()
      .describe("none (default): whole slice; center; heart: zoom in on the heart, label-free"),
    cropFraction: boundedNumber(0.1, 1).optional()
      .describe("crop side as a fraction of the shorter slice side (default 0.65)"),
    spacing: boundedNumber(0.1, 10).optional()
      .describe("output pixel spacing in mm for slices with known spacing (crop = size × spacing)"),
    clip: z.tuple([boundedNumber(0, 100), boundedNumber(0, 100)]).refine(([a, b]) => a < b, {
      error: "expected [low, high] percentiles with low < high",
    }).optional().describe("intensity percentiles to clip to before scaling (default [1, 99])"),
    invalidSlices: z.enum(["fail", "drop"]).optional()
      .describe(
        "a slice with NaN/Inf pixels, a constant image, labels outside 0..3 or an image/label " +
          "shape mismatch: fail (default) names it; drop leaves it out and counts it",
      ),
  }).default({ size: 128 }).describe("how slices become network inputs (crop, resize, scale)"),
  split: z.strictObject({
    mode: z.enum(["random", "predefined"]).default("random").describe(
      "random: stratified by diagnosis per seed; predefined: the dataset's list files (a set " +
        "they leave empty is drawn from train)",
    ),
    val: boundedNumber(0, 0.9).default(0.2).describe("share of the patients for validation"),
    test: boundedNumber(0, 0.9).default(0.2).describe("share of the patients held out as test"),
    validation: z.enum(["shrink", "full"]).default("shrink").describe(
      "shrink: each cell validates (early stopping, kept weights) on its sample size's share of " +
        "the validation patients, at least one; full: every cell on all of them",
    ),
  }).default({ mode: "random", val: 0.2, test: 0.2, validation: "shrink" })
    .describe("patient-level train / validation / test split"),
  classifier: classifierSchema,
  xai: pluginRefSchema.default({ plugin: "gradcam", options: {} })
    .describe(
      "saliency method of the classifier priors (default gradcam; a prior may choose another)",
    ),
  priors: z.record(priorNameSchema, priorSchema).default({})
    .describe("named priors that channel recipes use (+NAME)"),
  /**
   * Which classifier makes the priors of the segmentation training images: `same-model`
   * (the paper's: the classifier that saw them) or `out-of-fold` (k folds over the training
   * patients; each fold's priors come from a classifier trained on the other folds, so
   * training and test priors are of the same quality). Val/test priors come from the
   * classifier trained on all training patients either way.
   */
  priorsFrom: z.strictObject({
    mode: z.enum(["same-model", "out-of-fold"]).default("same-model").describe(
      "same-model: the classifier that saw the training images makes their priors (the " +
        "paper's); out-of-fold: classifiers trained on the other folds do",
    ),
    folds: boundedNumber(2, 20, true).default(5).describe("out-of-fold only: number of folds"),
  }).default({ mode: "same-model", folds: 5 })
    .describe("which classifier makes the priors of the segmentation training images"),
  segmenter: z.strictObject({
    plugin: pluginName,
    options: pluginOptions,
    training: segmenterTrainingSchema.default(segmenterTrainingSchema.parse({}))
      .describe("how each grid cell's segmenter trains"),
  }).describe("the segmentation network trained in every grid cell"),
  grid: z.strictObject({
    channels: z.array(recipeSchema).min(1, { error: "expected at least one channel recipe" })
      .describe(
        'input recipes: "<n>Ch" is n copies of the slice, "+NAME" appends a prior (e.g. ' +
          '"1Ch+CAM*"), or { name, channels }',
      ),
    sampleSizes: z.array(boundedNumber(1, 100)).min(1, {
      error: "expected at least one sample size",
    }).describe("percent of the training and validation patients with segmentation labels"),
    strategies: z.array(strategyRefSchema).min(1, { error: "expected at least one strategy" })
      .default([{ name: "supervised", plugin: "supervised", options: {} }]).describe(
        "training strategies of the segmenter: supervised (the default), or semi-supervised " +
          "ones that also learn from the training patients without segmentation labels at the " +
          "cell's sample size (validation and test patients never enter that pool); by name " +
          "or { name, plugin, options }",
      ),
  }).describe(
    "every recipe × strategy × sample size × seed is one cell (one segmenter training)",
  ),
  report: z.strictObject({
    comparisons: z.array(z.strictObject({
      proposed: z.string().describe("recipe name of the method"),
      baseline: z.string().describe("recipe name it is compared against"),
    })).optional().describe(
      "recipe pairs to compare (Figure 2, Wilcoxon tests); default: each prior recipe " +
        "against the image-only recipe with as many channels (Figure 2a) and against the same " +
        "image channels without the prior (Figure 2b)",
    ),
    examples: boundedNumber(1, 32, true).default(4).describe("example slices in Figure 3"),
    metric: z.enum(REPORT_METRICS).default("meanIoU").describe(
      "headline of Table 1, Figure 2 and the comparisons: meanIoU (the paper's, 4 classes with " +
        "background, pooled at the network's resolution), or per 3-D volume at native " +
        "resolution foregroundDice or hd95",
    ),
  }).default({ examples: 4, metric: "meanIoU" }).describe("what the report compares and shows"),
  executor: executorRefSchema.default({ plugin: "local", options: {} }).describe(
    "where the steps run: an executor plugin (local: this process, the default; slurm: " +
      'batch jobs on a cluster) by name or { plugin, options }; { "type": "slurm", … } works too',
  ),
});

/** An experiment file after the generic schema (defaults filled). */
export type ExperimentFile = z.output<typeof experimentFileSchema>;

export type { SegmenterTrainingSettings, TrainingSettings };
export { trainingSchema };
