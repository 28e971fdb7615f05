/**
 * Expands an experiment into a graph of steps: data → split → classifier → cam → prior →
 * segmenter (one per grid cell — seed × sample size × strategy × recipe: train, then
 * evaluate on the test patients). Shared steps
 * appear once: one classifier and one prior set serve every cell that can share them.
 *
 * @module
 */
import { type ChannelRecipe, IMAGE_CHANNEL } from "../config/channels.ts";
import type {
  Experiment,
  ResolvedClassifier,
  ResolvedPrior,
  ResolvedRef,
} from "../config/experiment.ts";
import { type ResolvedStrategy, strategyRecipe, SUPERVISED } from "../config/strategies.ts";
import type { PluginKind } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { resolvePreprocess } from "../steps/data/preprocess.ts";
import {
  type ClassifierStep,
  type DataStep,
  type PluginSettings,
  type PriorStep,
  type Sampling,
  type SegmenterStep,
  type SourceClassifierSettings,
  type SourceSettings,
  type SourceStep,
  type SplitStep,
  type Step,
  type StepGraph,
  stepId,
} from "./step.ts";

export type { StepGraph } from "./step.ts";

/** Bumped when the classifier artifact's format changes. */
const CLASSIFIER_ARTIFACT = "tfjs-checkpoint-2-test-predictions";

/** Bumped when how a sample size picks its patients changes (`core/steps/split/allocation.ts`). */
const SAMPLING = "exact-nested-1";

/** Bumped when what a cell's artifact keeps changes (now: its tfjs checkpoint). */
const SEGMENTER_ARTIFACT = "tfjs-checkpoint-1";

/** Bumped when the evaluation itself changes (metrics added or fixed). */
const EVALUATION_VERSION = "2-volumes";

/** Bumped when what the data artifact holds changes. */
const DATA_ARTIFACT = "native-labels-1";

/**
 * Builds the step graph; `backend` (the backend plugin's name) is part of the ids of steps
 * that compute with tensors.
 */
export function planSteps(experiment: Experiment, registry: Registry, backend: string): StepGraph {
  const planner = new Planner(experiment, registry, backend);
  const { recipes, sampleSizes, strategies } = experiment.grid;
  const cells = experiment.seeds.flatMap((seed) =>
    sampleSizes.flatMap((size) =>
      strategies.flatMap((strategy) =>
        recipes.map((recipe) => planner.cell(seed, size, recipe, strategy))
      )
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
      artifact: DATA_ARTIFACT,
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

  /** A sample size's drawing; `validated` steps also say which validation patients they use. */
  #sample(size: number, validated: boolean): Sampling {
    const sample = { size, method: SAMPLING };
    return validated ? { ...sample, validation: this.experiment.split.validation } : sample;
  }

  split(seed: number): SplitStep {
    return this.#add<SplitStep>("split", `split seed ${seed}`, [this.#data.id], {
      data: this.#data.id,
      split: {
        mode: this.experiment.split.mode,
        val: this.experiment.split.val,
        test: this.experiment.split.test,
      },
      seed,
    });
  }

  classifier(
    classifier: ResolvedClassifier,
    seed: number,
    size: number,
    fold?: number,
  ): ClassifierStep {
    const { priorsFrom } = this.experiment;
    const sample = classifier.trainOn === "sample" ? this.#sample(size, true) : undefined;
    const split = this.split(seed);
    const what =
      `${classifier.plugin}${classifier.input === "slice" ? "" : ` ${classifier.input}`}` +
      (classifier.target === "diagnosis" ? "" : ` → ${classifier.target}`);
    const sized = sample === undefined ? "" : ` @ ${sample.size}%`;
    const folded = fold === undefined ? "" : ` fold ${fold + 1}/${priorsFrom.folds}`;
    return this.#add<ClassifierStep>(
      "classifier",
      `classifier ${what} seed ${seed}${sized}${folded}`,
      [this.#data.id, split.id],
      {
        data: this.#data.id,
        split: split.id,
        classifier: this.#plugin("classifier", classifier),
        input: classifier.input,
        target: classifier.target,
        training: classifier.training,
        ...(sample ? { sample } : {}),
        ...(fold === undefined ? {} : { fold: { index: fold, folds: priorsFrom.folds } }),
        seed,
        backend: this.backend,
        artifact: CLASSIFIER_ARTIFACT,
      },
    );
  }

  /** The classifier a source explains: trained (with its out-of-fold copies) or not. */
  #sourceClassifier(
    prior: ResolvedPrior,
    seed: number,
    size: number,
  ): { settings: SourceClassifierSettings; deps: string[] } {
    const resolved = prior.classifier!;
    const base = {
      network: this.#plugin("classifier", resolved),
      input: resolved.input,
      target: resolved.target,
    };
    if (prior.needs.classifier === "untrained") return { settings: base, deps: [] };
    const classifier = this.classifier(resolved, seed, size);
    const { mode, folds } = this.experiment.priorsFrom;
    const foldClassifiers = mode === "out-of-fold"
      ? Array.from({ length: folds }, (_, fold) => this.classifier(resolved, seed, size, fold).id)
      : [];
    const { sample } = classifier.settings;
    const outOfFold = foldClassifiers.length === 0 ? undefined : {
      split: classifier.settings.split,
      ...(sample ? { sample } : {}),
      classifiers: foldClassifiers,
    };
    return {
      settings: { ...base, trained: classifier.id, ...(outOfFold ? { outOfFold } : {}) },
      deps: [classifier.id, ...foldClassifiers],
    };
  }

  /** The step computing a prior's raw maps with its source plugin. */
  source(seed: number, size: number, prior: ResolvedPrior): SourceStep {
    const { needs } = prior;
    const deps = [this.#data.id];
    const settings: { -readonly [K in keyof SourceSettings]: SourceSettings[K] } = {
      data: this.#data.id,
      source: this.#plugin("prior", prior.source),
    };
    if (needs.classifier) {
      const classifier = this.#sourceClassifier(prior, seed, size);
      settings.classifier = classifier.settings;
      settings.xai = this.#plugin("xai", prior.xai!);
      settings.backend = this.backend;
      deps.push(...classifier.deps);
    }
    if (needs.labels) {
      const split = this.split(seed);
      settings.labels = { split: split.id, sample: this.#sample(size, false) };
      deps.push(split.id);
    }
    if (needs.classifier || needs.labels) settings.seed = seed;
    const labels = needs.labels ? ` @ ${size}%` : "";
    const seeded = settings.seed === undefined ? "" : ` seed ${seed}`;
    return this.#add<SourceStep>(
      "source",
      `${prior.source.plugin} prior ${prior.name}${labels}${seeded}`,
      deps,
      settings,
    );
  }

  /** The step whose maps feed the named prior: a prior step, or the source step. */
  priorSource(seed: number, size: number, name: string): SourceStep | PriorStep {
    const prior = this.experiment.priors[name];
    const raw = this.source(seed, size, prior);
    if (prior.postprocess.length === 0) return raw;
    return this.#add<PriorStep>(
      "prior",
      `prior ${name}${raw.settings.seed === undefined ? "" : ` seed ${seed}`}`,
      [raw.id],
      {
        source: raw.id,
        size: this.#data.settings.preprocess.size,
        chain: prior.postprocess.map((ref) => this.#plugin("postprocess", ref)),
        seed,
      },
    );
  }

  cell(
    seed: number,
    size: number,
    recipe: ChannelRecipe,
    strategy: ResolvedStrategy,
  ): SegmenterStep {
    const { segmenter, grid } = this.experiment;
    const split = this.split(seed);
    const channels = recipe.channels.map((name) =>
      name === IMAGE_CHANNEL ? name : this.priorSource(seed, size, name).id
    );
    const shown = strategyRecipe(recipe, strategy, grid.strategies);
    const stepCost = strategy.plugin === SUPERVISED
      ? 1
      : this.registry.get("strategy", strategy.plugin).stepCost?.(strategy.options) ?? 1;
    const names = { recipe: shown, strategy: strategy.name, stepCost };
    const step = this.#add<SegmenterStep>(
      "segmenter",
      `segmenter ${shown.name} @ ${size}% seed ${seed}`,
      [this.#data.id, split.id, ...channels.filter((c) => c !== IMAGE_CHANNEL)],
      {
        data: this.#data.id,
        split: split.id,
        channels,
        segmenter: this.#plugin("segmenter", segmenter),
        ...(strategy.plugin === SUPERVISED ? {} : { strategy: this.#plugin("strategy", strategy) }),
        training: segmenter.training,
        sample: this.#sample(size, true),
        seed,
        backend: this.backend,
        evaluation: EVALUATION_VERSION,
        artifact: SEGMENTER_ARTIFACT,
      },
      names,
    );
    // A cell with the same settings as an earlier one shares its step but keeps its names.
    return step.recipe === shown ? step : { ...step, ...names };
  }
}
