/**
 * The contract of prior sources: where a prior map comes from. A source declares what it
 * needs (a trained or an untrained classifier, the segmentation labels of the labelled
 * patients); the pipeline provides exactly that and stores the maps the source returns,
 * one per slice, aligned with the data artifact's slices.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { SliceMeta } from "../steps/data/prepared.ts";
import type { ClassifierNetwork, XaiInstance } from "./plugin.ts";

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
