/**
 * Expands an experiment into a graph of steps: data → split → classifier → cam → prior →
 * segmenter (one per grid cell: train, then evaluate on the test patients). Shared steps
 * appear once: one classifier and one prior set serve every cell that can share them.
 *
 * @module
 */
import { IMAGE_CHANNEL } from "../config/channels.ts";
import type { Experiment, ResolvedRef } from "../config/experiment.ts";
import type { PluginKind } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import {
  type CamStep,
  type ChannelSource,
  type ClassifierStep,
  type DataStep,
  type PopulationStep,
  type PriorStep,
  type SegmenterStep,
  type SplitStep,
  type Step,
  stepId,
} from "./step.ts";

/** Bumped when the classifier artifact's format changes. */
const CLASSIFIER_ARTIFACT = "tfjs-checkpoint-1";

/** Bumped when how a sample size picks its patients changes (`core/steps/split/allocation.ts`). */
const SAMPLING = "exact-nested-1";

/** Bumped when the evaluation itself changes (metrics added or fixed). */
const EVALUATION_VERSION = "1";

/** The steps in an order where every step comes after its dependencies. */
export interface StepGraph {
  readonly steps: readonly Step[];
  /** One segmenter step per grid cell, in grid order (seed, sample size, recipe). */
  readonly cells: readonly SegmenterStep[];
}

/** Builds the step graph; `backend` is part of the ids of steps that compute with tensors. */
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
    const identity = {
      dataset: this.#plugin("dataset", experiment.dataset),
      preprocess: experiment.preprocess,
    };
    this.#data = this.#add({
      kind: "data",
      id: stepId("data", identity),
      label: `data ${experiment.dataset.plugin}`,
      deps: [],
      identity,
    });
  }

  steps(): Step[] {
    return [...this.#steps.values()];
  }

  #add<S extends Step>(step: S): S {
    return (this.#steps.get(step.id) as S | undefined) ?? (this.#steps.set(step.id, step), step);
  }

  /** Name, version and options of a plugin: what its output depends on. */
  #plugin(kind: PluginKind, ref: ResolvedRef) {
    return { ...ref, version: this.registry.get(kind, ref.plugin).version };
  }

  split(seed: number): SplitStep {
    const identity = { data: this.#data.id, split: this.experiment.split, seed };
    return this.#add({
      kind: "split",
      id: stepId("split", identity),
      label: `split seed ${seed}`,
      deps: [this.#data.id],
      identity,
      seed,
      dataId: this.#data.id,
    });
  }

  classifier(seed: number, size: number, fold?: number): ClassifierStep {
    const { classifier, priorsFrom } = this.experiment;
    const sampleSize = classifier.trainOn === "sample" ? size : undefined;
    const folds = fold === undefined ? undefined : priorsFrom.folds;
    const split = this.split(seed);
    const identity = {
      split: split.id,
      classifier: this.#plugin("classifier", classifier),
      training: classifier.training,
      sampleSize,
      ...(sampleSize === undefined ? {} : { sampling: SAMPLING }),
      fold,
      folds,
      seed,
      backend: this.backend,
      artifact: CLASSIFIER_ARTIFACT,
    };
    const sized = sampleSize === undefined ? "" : ` @ ${sampleSize}%`;
    const folded = fold === undefined ? "" : ` fold ${fold + 1}/${folds}`;
    return this.#add({
      kind: "classifier",
      id: stepId("classifier", identity),
      label: `classifier ${classifier.plugin} seed ${seed}${sized}${folded}`,
      deps: [this.#data.id, split.id],
      identity,
      seed,
      dataId: this.#data.id,
      splitId: split.id,
      sampleSize,
      fold,
      folds,
    });
  }

  cam(seed: number, size: number, xai: ResolvedRef): CamStep {
    const classifier = this.classifier(seed, size);
    const { mode, folds } = this.experiment.priorsFrom;
    const foldClassifierIds = mode === "out-of-fold"
      ? Array.from({ length: folds }, (_, fold) => this.classifier(seed, size, fold).id)
      : [];
    const identity = {
      classifier: classifier.id,
      foldClassifiers: foldClassifierIds,
      xai: this.#plugin("xai", xai),
      backend: this.backend,
    };
    return this.#add({
      kind: "cam",
      id: stepId("cam", identity),
      label: `cam ${xai.plugin} seed ${seed}`,
      deps: [this.#data.id, classifier.id, ...foldClassifierIds],
      identity,
      seed,
      dataId: this.#data.id,
      classifierId: classifier.id,
      foldClassifierIds,
      xai,
    });
  }

  population(seed: number, size: number, threshold: number | undefined): PopulationStep {
    const split = this.split(seed);
    const identity = {
      data: this.#data.id,
      split: split.id,
      sampleSize: size,
      sampling: SAMPLING,
      seed,
      threshold,
    };
    return this.#add({
      kind: "population",
      id: stepId("population", identity),
      label: `population prior @ ${size}% seed ${seed}`,
      deps: [this.#data.id, split.id],
      identity,
      seed,
      dataId: this.#data.id,
      splitId: split.id,
      sampleSize: size,
      threshold,
    });
  }

  /** The step whose maps feed the named prior: a prior step, or the raw maps' step. */
  priorSource(seed: number, size: number, name: string): CamStep | PopulationStep | PriorStep {
    const prior = this.experiment.priors[name];
    const raw = prior.source === "population"
      ? this.population(seed, size, prior.threshold)
      : this.cam(seed, size, prior.xai);
    if (prior.postprocess.length === 0) return raw;
    const identity = {
      cam: raw.id,
      chain: prior.postprocess.map((ref) => this.#plugin("postprocess", ref)),
    };
    return this.#add({
      kind: "prior",
      id: stepId("prior", identity),
      label: `prior ${name} seed ${seed}`,
      deps: [raw.id],
      identity,
      seed,
      camId: raw.id,
      chain: prior.postprocess,
    });
  }

  cell(seed: number, size: number, recipe: SegmenterStep["recipe"]): SegmenterStep {
    const { segmenter } = this.experiment;
    const split = this.split(seed);
    const channels: ChannelSource[] = recipe.channels.map((name) =>
      name === IMAGE_CHANNEL ? { name } : { name, stepId: this.priorSource(seed, size, name).id }
    );
    const identity = {
      data: this.#data.id,
      split: split.id,
      channels: channels.map((c) => c.stepId ?? c.name),
      segmenter: this.#plugin("segmenter", segmenter),
      training: segmenter.training,
      sampleSize: size,
      sampling: SAMPLING,
      seed,
      backend: this.backend,
      evaluation: EVALUATION_VERSION,
    };
    const priorIds = channels.flatMap((c) => c.stepId ? [c.stepId] : []);
    return this.#add<SegmenterStep>({
      kind: "segmenter",
      id: stepId("segmenter", identity),
      label: `segmenter ${recipe.name} @ ${size}% seed ${seed}`,
      deps: [this.#data.id, split.id, ...new Set(priorIds)],
      identity,
      seed,
      dataId: this.#data.id,
      splitId: split.id,
      sampleSize: size,
      recipe,
      channels,
    });
  }
}
