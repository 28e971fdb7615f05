/**
 * Steps of the experiment graph. The planner resolves every setting a step needs into its
 * `settings` (plugin names, versions and options, training settings, its inputs' step ids,
 * its seed); the step's id is the hash of exactly those settings, and the step's runner
 * reads nothing else. Equal settings give equal ids, so finished work is reused.
 *
 * @module
 */
import type { ChannelRecipe } from "../config/channels.ts";
import type { SegmenterTrainingSettings, TrainingSettings } from "../config/experiment_schema.ts";
import type { ResolvedPreprocess } from "../steps/data/preprocess.ts";
import type { SplitSettings } from "../steps/split/split.ts";
import type { ClassifierInput } from "../steps/classifier/classifier_inputs.ts";
import type { ClassifierTarget } from "../steps/classifier/classifier_targets.ts";
import { hashOf } from "./hash.ts";

/** A plugin as a step uses it: name, version (its output's format) and validated options. */
export interface PluginSettings {
  readonly plugin: string;
  readonly version: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Fields every step has; only `settings` enters the id. */
interface StepOf<K extends string, S> {
  readonly kind: K;
  /** `<kind>-<hash of settings>`. */
  readonly id: string;
  /** For people: logs, progress, reports. */
  readonly label: string;
  /** Ids of the steps whose artifacts this one reads (all named in `settings`). */
  readonly deps: readonly string[];
  readonly settings: S;
}

/** Load the cohort with a dataset plugin and preprocess it. */
export interface DataSettings {
  readonly dataset: PluginSettings;
  readonly preprocess: ResolvedPreprocess;
  /** Version of what the artifact holds (bumped when it changes, e.g. native labels added). */
  readonly artifact: string;
}

/** Split the patients into train/val/test for a seed. */
export interface SplitStepSettings {
  readonly data: string;
  readonly split: SplitSettings;
  readonly seed: number;
}

/** Which patients a sample size keeps, and how they are drawn. */
export interface Sampling {
  /** Percent of the training and validation patients. */
  readonly size: number;
  /** Version of the drawing procedure (bumped when it changes). */
  readonly method: string;
  /**
   * `shrink`: validate on the same share of the validation patients (at least one);
   * `full`: on all of them. Absent for steps that use no validation patients.
   */
  readonly validation?: "shrink" | "full";
}

/** Train a classifier (diagnosis, or a free target) on what its `input` shows of a slice. */
export interface ClassifierSettings {
  readonly data: string;
  readonly split: string;
  readonly classifier: PluginSettings;
  readonly input: ClassifierInput;
  readonly target: ClassifierTarget;
  readonly training: TrainingSettings;
  /** The sample size whose patients it trains on; absent: all training patients. */
  readonly sample?: Sampling;
  /** Out-of-fold priors: the fold (of `folds`) left out of training. */
  readonly fold?: { readonly index: number; readonly folds: number };
  readonly seed: number;
  readonly backend: string;
  /** Version of the checkpoint format. */
  readonly artifact: string;
}

/** Out-of-fold priors: fold `i`'s training patients get the maps of `classifiers[i]`. */
export interface OutOfFoldSettings {
  readonly split: string;
  /** The folds are drawn over these training patients (absent: all). */
  readonly sample?: Sampling;
  readonly classifiers: readonly string[];
}

/** The classifier of a classifier-based prior source. */
export interface SourceClassifierSettings {
  /** The network plugin (an untrained source builds it from the seed). */
  readonly network: PluginSettings;
  readonly input: ClassifierInput;
  readonly target: ClassifierTarget;
  /** The classifier step whose checkpoint is explained; absent: freshly initialised. */
  readonly trained?: string;
  readonly outOfFold?: OutOfFoldSettings;
}

/** Prior maps of every slice from a prior source plugin. */
export interface SourceSettings {
  readonly data: string;
  readonly source: PluginSettings;
  /** Classifier-based sources: the classifier and the saliency method. */
  readonly classifier?: SourceClassifierSettings;
  readonly xai?: PluginSettings;
  /** Label-based sources: the labelled training patients of a sample size. */
  readonly labels?: { readonly split: string; readonly sample: Sampling };
  /** Present when the output depends on it (classifier-, label-based sources). */
  readonly seed?: number;
  /** Present for classifier-based sources (tensor computations). */
  readonly backend?: string;
}

/** A post-processing chain over a source step's maps. */
export interface PriorSettings {
  /** The source step whose maps are processed. */
  readonly source: string;
  /** Side of the square maps, in pixels. */
  readonly size: number;
  readonly chain: readonly PluginSettings[];
  readonly seed: number;
}

/** Train a segmenter on one channel recipe and sample size, then evaluate it. */
export interface SegmenterSettings {
  readonly data: string;
  readonly split: string;
  /** Input channels in order: `image`, or the id of the step whose maps fill the channel. */
  readonly channels: readonly string[];
  readonly segmenter: PluginSettings;
  /**
   * The training strategy; absent for `supervised` (so supervised cells keep their ids).
   * Semi-supervised strategies also learn from the unlabelled pool: the training patients
   * without segmentation labels at this sample size.
   */
  readonly strategy?: PluginSettings;
  readonly training: SegmenterTrainingSettings;
  readonly sample: Sampling;
  readonly seed: number;
  readonly backend: string;
  /** Version of the evaluation (bumped when metrics are added or fixed). */
  readonly evaluation: string;
  /** Version of what the artifact keeps (the trained network's checkpoint). */
  readonly artifact: string;
}

/** Load and preprocess the cohort. */
export type DataStep = StepOf<"data", DataSettings>;
/** Split patients into train/val/test for a seed. */
export type SplitStep = StepOf<"split", SplitStepSettings>;
/** Train the classifier (on all training patients, or on a sample size's subset). */
export type ClassifierStep = StepOf<"classifier", ClassifierSettings>;
/** Prior maps of every slice from a prior source plugin. */
export type SourceStep = StepOf<"source", SourceSettings>;
/** A post-processing chain applied to a source step's maps. */
export type PriorStep = StepOf<"prior", PriorSettings>;

/** Train one segmenter and evaluate it on the test patients: a grid cell. */
export interface SegmenterStep extends StepOf<"segmenter", SegmenterSettings> {
  /**
   * The recipe as cells are named (for reports; not part of the id): the experiment's name,
   * followed by the strategy's when the grid has strategies other than `supervised`.
   */
  readonly recipe: ChannelRecipe;
  /** The strategy's name in the grid (for reports; not part of the id). */
  readonly strategy: string;
  /**
   * Cost of a training step relative to a supervised one (the strategy plugin's
   * `stepCost`; 1 for `supervised`), for `plan`'s estimate; not part of the id.
   */
  readonly stepCost: number;
}

/** Any step. */
export type Step =
  | DataStep
  | SplitStep
  | ClassifierStep
  | SourceStep
  | PriorStep
  | SegmenterStep;

/** The steps in an order where every step comes after its dependencies. */
export interface StepGraph {
  readonly steps: readonly Step[];
  /** One segmenter step per grid cell, in grid order (seed, sample size, recipe). */
  readonly cells: readonly SegmenterStep[];
}

/** The kind names of steps. */
export type StepKind = Step["kind"];

/** Every step kind, in pipeline order. */
export const STEP_KINDS = [
  "data",
  "split",
  "classifier",
  "source",
  "prior",
  "segmenter",
] as const satisfies readonly StepKind[];

/** A step id: the kind and a hash of the settings, e.g. `classifier-3f2a…`. */
export function stepId(kind: StepKind, settings: unknown): string {
  return `${kind}-${hashOf(settings)}`;
}

/** The prior channels of a cell: the recipe's prior name and the step whose maps fill it. */
export function priorChannels(cell: SegmenterStep): { name: string; step: string }[] {
  return cell.recipe.channels.flatMap((name, i) => {
    const step = cell.settings.channels[i];
    return step === name ? [] : [{ name, step }];
  });
}
