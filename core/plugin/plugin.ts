/**
 * Plugin contracts. A plugin is a plain object from a factory, registered by name:
 * `{ kind, name, description, version, options, create(options, context) }`.
 *
 * Each kind's `create` returns the instance interface declared here. Plugins depend on
 * these contracts only; `core/` never imports `plugins/`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { z } from "zod";
import type { Cohort } from "./cohort.ts";
import type { Logger } from "../util/logger.ts";

/** The kinds of plugin camprior knows. */
export const PLUGIN_KINDS = [
  "dataset",
  "classifier",
  "xai",
  "postprocess",
  "segmenter",
  "backend",
] as const;

/** One of {@linkcode PLUGIN_KINDS}. */
export type PluginKind = typeof PLUGIN_KINDS[number];

/** What every plugin's `create` receives besides its options. */
export interface PluginContext {
  /** Seed for anything random the plugin does. */
  readonly seed: number;
  /** Folder the plugin may write files to (caches, downloads, exports). */
  readonly workDir: string;
  /** Where progress and notes go. */
  readonly log: Logger;
  /** Aborted when the user presses Ctrl-C; long work should check it. */
  readonly signal: AbortSignal;
}

/** Resolves a compute backend: sets the tfjs backend and verifies it is really active. */
export interface BackendInstance {
  /** The tfjs backend name that is now active (e.g. `wasm`). */
  readonly tfBackend: string;
  /** A line describing the device, for reports. */
  readonly description: string;
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

/** Which class a saliency map explains. */
export type TargetClass = "predicted" | number | readonly number[];

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

/** The instance type each plugin kind's `create` returns. */
export interface InstanceOf {
  dataset: DatasetInstance;
  classifier: ClassifierInstance;
  xai: XaiInstance;
  postprocess: PostprocessInstance;
  segmenter: SegmenterInstance;
  backend: BackendInstance;
}

/** A camprior plugin of kind `K` whose options are described by the zod schema `S`. */
export interface Plugin<K extends PluginKind = PluginKind, S extends z.ZodType = z.ZodType> {
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
  create(options: z.output<S>, context: PluginContext): InstanceOf[K] | Promise<InstanceOf[K]>;
}

/** Any plugin, whatever its kind and option schema. */
// deno-lint-ignore no-explicit-any -- plugins of different option types share one registry
export type AnyPlugin = { [K in PluginKind]: Plugin<K, any> }[PluginKind];

/**
 * Identity helper that type-checks a plugin object and infers its option type.
 *
 * ```ts
 * export default definePlugin({ kind: "xai", name: "my-cam", ... });
 * ```
 */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(
  plugin: Plugin<K, S>,
): Plugin<K, S> {
  return plugin;
}
