/**
 * Steps of the experiment graph. Each step's id hashes everything its output depends on
 * (plugin names, versions, resolved options, its inputs' ids, its seed), so equal work
 * gets equal ids and its artifact is reused.
 *
 * @module
 */
import type { ChannelRecipe } from "../config/channels.ts";
import type { ResolvedRef } from "../config/experiment.ts";
import { hashOf } from "./hash.ts";

/** A segmenter input channel and the step whose output feeds it (none for the image). */
export interface ChannelSource {
  readonly name: string;
  /** `prior`, `cam` or `population` step id, or undefined for the grayscale image. */
  readonly stepId?: string;
}

/** Fields every step has. */
interface StepBase {
  readonly id: string;
  readonly label: string;
  readonly deps: readonly string[];
  /** What the id hashes; recorded in the artifact's manifest. */
  readonly identity: unknown;
}

/** Load and preprocess the cohort. */
export interface DataStep extends StepBase {
  readonly kind: "data";
}

/** Split patients into train/val/test for a seed. */
export interface SplitStep extends StepBase {
  readonly kind: "split";
  readonly seed: number;
  readonly dataId: string;
}

/** Train the classifier (on all training patients, or on a sample size's subset). */
export interface ClassifierStep extends StepBase {
  readonly kind: "classifier";
  readonly seed: number;
  readonly dataId: string;
  readonly splitId: string;
  /** Percent of patients, or undefined for all training patients. */
  readonly sampleSize?: number;
  /** Out-of-fold priors: the fold left out of training (of `folds`). */
  readonly fold?: number;
  readonly folds?: number;
}

/** Saliency maps of every slice from a trained classifier. */
export interface CamStep extends StepBase {
  readonly kind: "cam";
  readonly seed: number;
  readonly dataId: string;
  readonly classifierId: string;
  /** Out-of-fold priors: classifier step per fold (fold i's training patients get its maps). */
  readonly foldClassifierIds: readonly string[];
  readonly xai: ResolvedRef;
}

/** The population prior: mean heart mask of the labelled training patients at a size. */
export interface PopulationStep extends StepBase {
  readonly kind: "population";
  readonly seed: number;
  readonly dataId: string;
  readonly splitId: string;
  readonly sampleSize: number;
  readonly threshold?: number;
}

/** A post-processing chain applied to a cam (or population) step's maps. */
export interface PriorStep extends StepBase {
  readonly kind: "prior";
  readonly seed: number;
  readonly camId: string;
  readonly chain: readonly ResolvedRef[];
}

/** Train one segmenter and evaluate it on the test patients: a grid cell. */
export interface SegmenterStep extends StepBase {
  readonly kind: "segmenter";
  readonly seed: number;
  readonly dataId: string;
  readonly splitId: string;
  readonly sampleSize: number;
  readonly recipe: ChannelRecipe;
  readonly channels: readonly ChannelSource[];
}

/** Any step. */
export type Step =
  | DataStep
  | SplitStep
  | ClassifierStep
  | CamStep
  | PopulationStep
  | PriorStep
  | SegmenterStep;

/** The kind names of steps. */
export type StepKind = Step["kind"];

/** A step id: the kind and a hash of the identity, e.g. `classifier-3f2a…`. */
export function stepId(kind: StepKind, identity: unknown): string {
  return `${kind}-${hashOf(identity)}`;
}
