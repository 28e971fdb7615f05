/**
 * Plugin contracts. A plugin is a plain object from a factory, registered by name:
 * `{ kind, name, description, version, options, create(options, context) }`.
 *
 * {@linkcode PluginKinds} lists every kind: what its `create` returns and which extra
 * members its plugin objects may have. Adding a kind is one entry there and one in
 * {@linkcode KIND_DESCRIPTIONS}; the registry, `experiment plugins` and loading by path
 * follow. Plugins depend on these contracts only; `core/` never imports `plugins/`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { z } from "zod";
import type { Cohort } from "./cohort.ts";
import type { Logger } from "../util/logger.ts";
import type { BackendHooks, BackendInstance } from "./backend.ts";
import type { ExecutorHooks, ExecutorInstance } from "./executor.ts";
import type { SliceMeta } from "../steps/data/prepared.ts";
import type { StrategyHooks, StrategyInstance } from "./strategy.ts";

export type { BackendInstance } from "./backend.ts";

/**
 * Every plugin kind: `instance` is what `create` returns; `hooks`, when present, are
 * members the plugin object itself may have besides the common ones.
 */
export interface PluginKinds {
  dataset: { instance: DatasetInstance };
  classifier: { instance: ClassifierInstance };
  xai: { instance: XaiInstance };
  postprocess: { instance: PostprocessInstance };
  segmenter: { instance: SegmenterInstance };
  strategy: { instance: StrategyInstance; hooks: StrategyHooks };
  backend: { instance: BackendInstance; hooks: BackendHooks };
  executor: { instance: ExecutorInstance; hooks: ExecutorHooks };
  prior: { instance: PriorSourceInstance; hooks: PriorSourceHooks };
}

/** One plugin kind. */
export type PluginKind = keyof PluginKinds;

/** One line per kind, for `experiment plugins`; its keys are the kinds, in pipeline order. */
export const KIND_DESCRIPTIONS: { readonly [K in PluginKind]: string } = {
  dataset: "loads a cohort of labelled 2-D slices",
  classifier: "builds the diagnosis classifier network",
  xai: "computes saliency maps from a classifier",
  postprocess: "transforms prior maps",
  prior: "says where a prior map comes from (a classifier's saliency, motion, a control)",
  segmenter: "builds the segmentation network",
  strategy: "trains the segmenter (supervised, or semi-supervised with the unlabelled pool)",
  backend: "starts a tfjs compute backend",
  executor: "runs the steps of a plan",
};

/** Every plugin kind. */
export const PLUGIN_KINDS = Object.keys(KIND_DESCRIPTIONS) as readonly PluginKind[];

/** What every plugin's `create` receives besides its options. */
export interface PluginContext {
  /** Seed for anything random the plugin does. */
  readonly seed: number;
  /** Folder the plugin may write files to (caches, downloads, exports). */
  readonly workDir: string;
  /** Where progress and notes go. */
  readonly log: Logger;
  /**
   * The running step's own log file, for detail that does not belong on the terminal
   * (library diagnostics); absent outside steps.
   */
  readonly stepLog?: Logger;
  /** Aborted when the user presses Ctrl-C; long work should check it. */
  readonly signal: AbortSignal;
}

/** Loads a cohort of 2-D slices with labels and diagnoses. */
export interface DatasetInstance {
  /** Reads (or generates) the cohort. */
  load(): Promise<Cohort>;
}

/** Shape of the network input and the number of classes. */
export interface NetworkSpec {
  /** `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  /** Number of output classes. */
  readonly numClasses: number;
}

/**
 * A classifier network split at its Grad-CAM target layer:
 * `model(x) = head(features(x))`. XAI methods take activations from `features`
 * and gradients through `head`, whatever the architecture.
 */
export interface ClassifierNetwork {
  /** Input → activations of the target layer, `[N, h, w, k]`. */
  readonly features: tfl.LayersModel;
  /** Target-layer activations → class logits, `[N, classes]`. */
  readonly head: tfl.LayersModel;
  /** Input → class logits; shares weights with `features` and `head`. */
  readonly model: tfl.LayersModel;
}

/** Builds classifier networks. */
export interface ClassifierInstance {
  /** Builds a freshly initialised network for the given input and classes. */
  build(spec: NetworkSpec): ClassifierNetwork;
}

/** Builds segmentation networks that output per-pixel class probabilities. */
export interface SegmenterInstance {
  /** Builds a network mapping `[N, H, W, C]` to softmax probabilities `[N, H, W, classes]`. */
  build(spec: NetworkSpec): tfl.LayersModel;
}

/**
 * Which class a saliency map explains: the predicted one, the sum of all class scores
 * (`all-classes`: where the network looks at all), one class, or one class per image.
 */
export type TargetClass = "predicted" | "all-classes" | number | readonly number[];

/** Computes saliency maps (class activation maps) from a classifier. */
export interface XaiInstance {
  /**
   * Maps for a batch of images, upsampled to the input size and scaled to [0, 1]:
   * `[N, H, W]`. The caller owns (and disposes) the returned tensor.
   */
  explain(network: ClassifierNetwork, images: tf.Tensor4D, target: TargetClass): tf.Tensor3D;
}

/** A 2-D map of numbers in [0, 1], row-major. */
export interface Map2D {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/** Transforms a prior map (smoothing, thresholding …); chained per named prior. */
export interface PostprocessInstance {
  /** Returns a new map of the same size; never mutates its input. */
  apply(map: Map2D): Map2D;
}

/** The instance type a plugin kind's `create` returns. */
export type InstanceOf<K extends PluginKind> = PluginKinds[K]["instance"];

/** The extra members plugins of kind `K` may have (none for most kinds). */
export type HooksOf<K extends PluginKind> = PluginKinds[K] extends { hooks: infer H } ? H
  : unknown;

/** What every plugin has, whatever its kind. */
export interface PluginBase<K extends PluginKind = PluginKind, S extends z.ZodType = z.ZodType> {
  readonly kind: K;
  /** Unique name within its kind, used in experiment files. */
  readonly name: string;
  /** One line for `experiment plugins`. */
  readonly description: string;
  /** Bumped when the plugin's output changes for the same options (invalidates caches). */
  readonly version: string;
  /** Schema of the plugin's options; defaults fill omitted fields. */
  readonly options: S;
  /** Builds an instance from validated options. */
  create(options: z.output<S>, context: PluginContext): InstanceOf<K> | Promise<InstanceOf<K>>;
}

/** A camprior plugin of kind `K` whose options are described by the zod schema `S`. */
export type Plugin<K extends PluginKind = PluginKind, S extends z.ZodType = z.ZodType> =
  & PluginBase<K, S>
  & HooksOf<K>;

/** Any plugin, whatever its kind and option schema. */
// deno-lint-ignore no-explicit-any -- plugins of different option types share one registry
export type AnyPlugin = { [K in PluginKind]: Plugin<K, any> }[PluginKind];

/**
 * Identity helper that type-checks a plugin object and infers its option type.
 *
 * ```ts
 * import { z } from "zod";
 * import { definePlugin } from "./plugin.ts";
 *
 * export default definePlugin({
 *   kind: "postprocess",
 *   name: "square",
 *   description: "squares every value",
 *   version: "1",
 *   options: z.strictObject({}),
 *   create: () => ({ apply: (map) => ({ ...map, data: map.data.map((v) => v * v) }) }),
 * });
 * ```
 */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(
  plugin: Plugin<K, S>,
): Plugin<K, S> {
  return plugin;
}

// Prior sources: where a prior map comes from. A source declares what it needs (a trained or
// an untrained classifier, the labelled patients' slices); the pipeline provides exactly that
// and stores the maps it returns, aligned with the data artifact's slices.

/** Slices of one square size, stacked row-major (as the data step prepares them). */
export interface PriorSlices {
  readonly size: number;
  readonly count: number;
  /** `count · size²` intensities in [0, 1]. */
  readonly images: Float32Array;
  /** `count · size²` label values (0 background, 1 RV, 2 MYO, 3 LV). */
  readonly labels: Uint8Array;
  readonly meta: readonly SliceMeta[];
}

/** What a prior source needs the pipeline to provide. */
export interface PriorNeeds {
  /**
   * `trained`: the prior's classifier, trained (out-of-fold when the experiment asks);
   * `untrained`: the same network freshly initialised from the seed (a control).
   */
  readonly classifier?: "trained" | "untrained";
  /** The labelled training slices at the cell's sample size (e.g. the population prior). */
  readonly labels?: boolean;
}

/** What a prior source plugin may have besides the common plugin members. */
export interface PriorSourceHooks {
  /** What the pipeline must provide (default: the slices alone). */
  readonly needs?: PriorNeeds;
}

/** A classifier as a prior source sees it. */
export interface PriorClassifier {
  /**
   * Networks and the slices (indices into `PriorInput.slices`) each explains: one network
   * for every slice, or one per out-of-fold classifier. Each slice is in one group.
   */
  readonly groups: readonly {
    readonly network: ClassifierNetwork;
    readonly slices: readonly number[];
  }[];
  /** The classifier's input for the given slices, `[n, S, S, C]`; the caller disposes it. */
  inputs(slices: readonly number[]): tf.Tensor4D;
  /** The prior's saliency method. */
  readonly xai: XaiInstance;
}

/** What a prior source computes its maps from. */
export interface PriorInput {
  /** Every slice of the data artifact; the maps are aligned with them. */
  readonly slices: PriorSlices;
  /** With `needs.labels`: the labelled training slices at the cell's sample size. */
  readonly labelled?: PriorSlices;
  /** With `needs.classifier`. */
  readonly classifier?: PriorClassifier;
  /** Aborted when the user presses Ctrl-C. */
  readonly signal: AbortSignal;
}

/** Computes prior maps. */
export interface PriorSourceInstance {
  /**
   * Maps in [0, 1]: `count · size²` values (one map per slice of `input.slices`), or
   * `size²` values (one map for every slice).
   */
  maps(input: PriorInput): Promise<Float32Array>;
}
