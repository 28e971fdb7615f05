/**
 * Expands an experiment into a graph of steps: data → split → classifier → cam → prior →
 * segmenter (one per grid cell: train, then evaluate on the test patients). Shared steps
 * appear once: one classifier and one prior set serve every cell that can share them.
 *
 * @module
 */
import { type ChannelRecipe, IMAGE_CHANNEL } from "../config/channels.ts";
import type { Experiment, ResolvedRef } from "../config/experiment.ts";
import type { PluginKind } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { resolvePreprocess } from "../steps/data/preprocess.ts";
import {
  type CamStep,
  type ClassifierStep,
  type DataStep,
  type PluginSettings,
  type PopulationStep,
  type PriorStep,
  type Sampling,
  type SegmenterStep,
  type SplitStep,
  type Step,
  type StepGraph,
  stepId,
} from "./step.ts";

export type { StepGraph } from "./step.ts";

/** Bumped when the classifier artifact's format changes. */
const CLASSIFIER_ARTIFACT = "tfjs-checkpoint-1";

/** Bumped when how a sample size picks its patients changes (`core/steps/split/allocation.ts`). */
const SAMPLING = "exact-nested-1";

/** Bumped when what a cell's artifact keeps changes (now: its tfjs checkpoint). */
const SEGMENTER_ARTIFACT = "tfjs-checkpoint-1";

/** Bumped when the evaluation itself changes (metrics added or fixed). */
const EVALUATION_VERSION = "1";

/**
 * Builds the step graph; `backend` (the backend plugin's name) is part of the ids of steps
 * that compute with tensors.
 */
export function planSteps(experiment: Experiment, registry: Registry, backend: string): StepGraph {
  const planner = new Planner(experiment, registry, backend);
  const cells = experiment.seeds.flatMap((seed) =>
    experiment.grid.sampleSizes.flatMap((size) =>
      experiment.grid.recipes.map((recipe) => planner.cell(seed, size, recipe))
    )
  );
  return { steps: planner.steps(), cells };
}

class Planner {
  #steps = new Map<string, Step>();
  readonly #data: DataStep;

  constructor(
    readonly experiment: Experiment,
    readonly registry: Registry,
    readonly backend: string,
  ) {
    this.#data = this.#add("data", `data ${experiment.dataset.plugin}`, [], {
      dataset: this.#plugin("dataset", experiment.dataset),
      preprocess: resolvePreprocess(experiment.preprocess),
    });
  }

  steps(): Step[] {
    return [...this.#steps.values()];
  }

  /** The step of that kind and settings (one per distinct settings). */
  #add<S extends Step>(
    kind: S["kind"],
    label: string,
    deps: readonly string[],
    settings: S["settings"],
    extra: Omit<S, "kind" | "id" | "label" | "deps" | "settings"> | Record<never, never> = {},
  ): S {
    const id = stepId(kind, settings);
    const known = this.#steps.get(id) as S | undefined;
    if (known) return known;
    const step = { kind, id, label, deps: [...new Set(deps)], settings, ...extra } as unknown as S;
    this.#steps.set(id, step);
    return step;
  }

  /** Name, version and options of a plugin: what its output depends on. */
  #plugin(kind: PluginKind, ref: ResolvedRef): PluginSettings {
    return {
      plugin: ref.plugin,
      version: this.registry.get(kind, ref.plugin).version,
      options: ref.options,
    };
  }

  #sample(size: number): Sampling {
    return { size, method: SAMPLING };
  }

  split(seed: number): SplitStep {
    return this.#add<SplitStep>("split", `split seed ${seed}`, [this.#data.id], {
      data: this.#data.id,
      split: this.experiment.split,
      seed,
    });
  }

  classifier(seed: number, size: number, fold?: number): ClassifierStep {
    const { classifier, priorsFrom } = this.experiment;
    const sample = classifier.trainOn === "sample" ? this.#sample(size) : undefined;
    const split = this.split(seed);
    const sized = sample === undefined ? "" : ` @ ${sample.size}%`;
    const folded = fold === undefined ? "" : ` fold ${fold + 1}/${priorsFrom.folds}`;
    return this.#add<ClassifierStep>(
      "classifier",
      `classifier ${classifier.plugin} seed ${seed}${sized}${folded}`,
      [this.#data.id, split.id],
      {
        data: this.#data.id,
        split: split.id,
        classifier: this.#plugin("classifier", classifier),
        training: classifier.training,
        ...(sample ? { sample } : {}),
        ...(fold === undefined ? {} : { fold: { index: fold, folds: priorsFrom.folds } }),
        seed,
        backend: this.backend,
        artifact: CLASSIFIER_ARTIFACT,
      },
    );
  }

  cam(seed: number, size: number, xai: ResolvedRef): CamStep {
    const classifier = this.classifier(seed, size);
    const { mode, folds } = this.experiment.priorsFrom;
    const foldClassifiers = mode === "out-of-fold"
      ? Array.from({ length: folds }, (_, fold) => this.classifier(seed, size, fold).id)
      : [];
    const { sample } = classifier.settings;
    const outOfFold = foldClassifiers.length === 0 ? undefined : {
      split: classifier.settings.split,
      ...(sample ? { sample } : {}),
      classifiers: foldClassifiers,
    };
    return this.#add<CamStep>(
      "cam",
      `cam ${xai.plugin} seed ${seed}`,
      [this.#data.id, classifier.id, ...foldClassifiers],
      {
        data: this.#data.id,
        classifier: classifier.id,
        network: classifier.settings.classifier,
        ...(outOfFold ? { outOfFold } : {}),
        xai: this.#plugin("xai", xai),
        seed,
        backend: this.backend,
      },
    );
  }

  population(seed: number, size: number, threshold: number | undefined): PopulationStep {
    const split = this.split(seed);
    return this.#add<PopulationStep>(
      "population",
      `population prior @ ${size}% seed ${seed}`,
      [this.#data.id, split.id],
      {
        data: this.#data.id,
        split: split.id,
        sample: this.#sample(size),
        ...(threshold === undefined ? {} : { threshold }),
        seed,
      },
    );
  }

  /** The step whose maps feed the named prior: a prior step, or the raw maps' step. */
  priorSource(seed: number, size: number, name: string): CamStep | PopulationStep | PriorStep {
    const prior = this.experiment.priors[name];
    const raw = prior.source === "population"
      ? this.population(seed, size, prior.threshold)
      : this.cam(seed, size, prior.xai);
    if (prior.postprocess.length === 0) return raw;
    return this.#add<PriorStep>("prior", `prior ${name} seed ${seed}`, [raw.id], {
      source: raw.id,
      size: this.#data.settings.preprocess.size,
      chain: prior.postprocess.map((ref) => this.#plugin("postprocess", ref)),
      seed,
    });
  }

  cell(seed: number, size: number, recipe: ChannelRecipe): SegmenterStep {
    const { segmenter } = this.experiment;
    const split = this.split(seed);
    const channels = recipe.channels.map((name) =>
      name === IMAGE_CHANNEL ? name : this.priorSource(seed, size, name).id
    );
    const step = this.#add<SegmenterStep>(
      "segmenter",
      `segmenter ${recipe.name} @ ${size}% seed ${seed}`,
      [this.#data.id, split.id, ...channels.filter((c) => c !== IMAGE_CHANNEL)],
      {
        data: this.#data.id,
        split: split.id,
        channels,
        segmenter: this.#plugin("segmenter", segmenter),
        training: segmenter.training,
        sample: this.#sample(size),
        seed,
        backend: this.backend,
        evaluation: EVALUATION_VERSION,
        artifact: SEGMENTER_ARTIFACT,
      },
      { recipe },
    );
    // A recipe with the same channels as an earlier one shares its step but keeps its name.
    return step.recipe === recipe ? step : { ...step, recipe };
  }
}
