/**
 * Loading experiment files: read JSON, validate with the file schema, load third-party
 * plugins, then validate each plugin's options with the plugin's own schema.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { type ChannelRecipe, IMAGE_CHANNEL, parseRecipe, priorsOf } from "./channels.ts";
import { ConfigError } from "../util/errors.ts";
import {
  type ExperimentFile,
  experimentFileSchema,
  type SegmenterTrainingSettings,
  type TrainingSettings,
} from "./experiment_schema.ts";
import type { PluginKind, PriorNeeds } from "../plugin/plugin.ts";
import type { ClassifierInput } from "../steps/classifier/classifier_inputs.ts";
import type { ClassifierTarget } from "../steps/classifier/classifier_targets.ts";
import type { Registry } from "../plugin/registry.ts";
import { formatPath, formatZodIssues } from "../util/zod_format.ts";
import { applyOverrides, parseOverride } from "./overrides.ts";
import {
  cellRecipes,
  type ResolvedStrategy,
  strategyComparisons,
  SUPERVISED,
} from "./strategies.ts";

export type { ResolvedStrategy } from "./strategies.ts";

/** A plugin reference whose options passed the plugin's schema. */
export interface ResolvedRef {
  readonly plugin: string;
  readonly options: Record<string, unknown>;
}

/** The classifier section, resolved: plugin and options, input, target, training. */
export interface ResolvedClassifier extends ResolvedRef {
  readonly input: ClassifierInput;
  readonly target: ClassifierTarget;
  readonly trainOn: "all" | "sample";
  readonly training: TrainingSettings;
}

/** A named prior, fully resolved. */
export interface ResolvedPrior {
  readonly name: string;
  /** The prior source plugin and its options. */
  readonly source: ResolvedRef;
  /** What the source needs (from the plugin). */
  readonly needs: PriorNeeds;
  /** With `needs.classifier`: the classifier (the experiment's, or the prior's own). */
  readonly classifier?: ResolvedClassifier;
  /** With `needs.classifier`: the saliency method. */
  readonly xai?: ResolvedRef;
  readonly postprocess: readonly ResolvedRef[];
}

/** A validated experiment: every reference points at a registered plugin. */
export interface Experiment {
  readonly name: string;
  readonly description?: string;
  /** A backend plugin, or `{ plugin: "auto" }` for the best available one. */
  readonly backend: ResolvedRef;
  readonly seeds: readonly number[];
  readonly dataset: ResolvedRef;
  readonly preprocess: ExperimentFile["preprocess"];
  readonly split: ExperimentFile["split"];
  readonly classifier: ResolvedClassifier;
  readonly priors: Readonly<Record<string, ResolvedPrior>>;
  readonly priorsFrom: ExperimentFile["priorsFrom"];
  readonly segmenter: ResolvedRef & { readonly training: SegmenterTrainingSettings };
  readonly grid: {
    readonly recipes: readonly ChannelRecipe[];
    readonly sampleSizes: readonly number[];
    /** Training strategies of the segmenter (default: `supervised` only). */
    readonly strategies: readonly ResolvedStrategy[];
  };
  readonly report: {
    readonly comparisons: readonly Comparison[];
    readonly examples: number;
    readonly metric: ExperimentFile["report"]["metric"];
  };
  /** The executor plugin that runs the steps; not part of any step id. */
  readonly executor: ResolvedRef;
}

/** A proposed cell name (recipe, with its strategy when the grid has several) and its baseline. */
export interface Comparison {
  readonly proposed: string;
  readonly baseline: string;
  /**
   * Which of the paper's Figure 2 panels the pair belongs to: `same-width` (a recipe with a
   * prior against the image-only recipe of as many channels, e.g. 1Ch+CAM* vs 2Ch),
   * `added-prior` (against the same image channels without the prior, e.g. 3Ch+CAM* vs
   * 3Ch); absent for pairs the experiment file names.
   */
  readonly kind?: "same-width" | "added-prior";
}

/** Changes the command line applies on top of the file. */
export interface ExperimentOverrides {
  /** Replaces `backend` by a plugin name (its options kept when it is the file's plugin). */
  readonly backend?: string;
  /** Replaces `executor` by a plugin name (its options kept when it is the file's plugin). */
  readonly executor?: string;
  /** Sets the dataset plugin's `root` option (e.g. an ACDC folder). */
  readonly data?: string;
  /** Sets the `local` executor's `jobs` option (`--jobs`); an error with another executor. */
  readonly jobs?: number | "auto";
  /** `--set path=value` changes to the file's JSON, applied in order before validation. */
  readonly set?: readonly string[];
}

/**
 * Reads, validates and resolves an experiment file. Third-party plugins it lists are
 * registered in `registry`. Every problem is a {@linkcode ConfigError} (exit code 2) whose
 * message starts with the file path.
 */
export async function loadExperiment(
  path: string,
  registry: Registry,
  overrides: ExperimentOverrides = {},
): Promise<Experiment> {
  const set = (overrides.set ?? []).map(parseOverride);
  const raw = applyOverrides(await readJson(path), set);
  try {
    const file = applyCommandLine(parseFile(raw), overrides);
    await registry.loadModules(file.plugins, dirname(resolve(path)));
    return resolveExperiment(file, registry);
  } catch (error) {
    if (error instanceof ConfigError) {
      const set = overrides.set?.length ? ` (with --set ${overrides.set.join(" --set ")})` : "";
      throw new ConfigError(`${path}${set}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** The experiment file's JSON with the `--set` overrides applied (not yet validated). */
export async function readExperimentJson(
  path: string,
  set: readonly string[] = [],
): Promise<unknown> {
  return applyOverrides(await readJson(path), set.map(parseOverride));
}

/** Validates an already-parsed JSON value (plugins it lists must be registered already). */
export function parseExperiment(raw: unknown, registry: Registry): Experiment {
  return resolveExperiment(parseFile(raw), registry);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read experiment file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}

function parseFile(raw: unknown): ExperimentFile {
  const result = experimentFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(formatZodIssues(result.error.issues, "", experimentFileSchema));
  }
  return result.data;
}

function applyCommandLine(file: ExperimentFile, overrides: ExperimentOverrides): ExperimentFile {
  const replace = <R extends { plugin: string }>(ref: R, name: string | undefined) =>
    name === undefined || name === ref.plugin ? ref : { plugin: name, options: {} };
  const dataset = overrides.data === undefined
    ? file.dataset
    : { ...file.dataset, options: { ...file.dataset.options, root: overrides.data } };
  return {
    ...file,
    backend: replace(file.backend, overrides.backend),
    executor: withJobs(replace(file.executor, overrides.executor), overrides.jobs),
    dataset,
  };
}

/** The executor reference with `--jobs` applied (only the `local` executor has a pool). */
function withJobs<R extends { plugin: string; options: unknown }>(
  ref: R,
  jobs: number | "auto" | undefined,
): R {
  if (jobs === undefined) return ref;
  if (ref.plugin !== "local") {
    throw new ConfigError(
      `--jobs runs steps in a pool of processes on this machine (the local executor); this ` +
        `experiment's executor is ${ref.plugin} (drop --jobs, or add --executor local)`,
    );
  }
  return { ...ref, options: { ...ref.options as Record<string, unknown>, jobs } };
}

function resolveExperiment(file: ExperimentFile, registry: Registry): Experiment {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const ref = (
    kind: PluginKind,
    value: { plugin: string; options: unknown },
    where: string,
    optionsAt?: string,
  ) => attempt(() => resolveRef(registry, kind, value, where, optionsAt));

  const backend = file.backend.plugin === AUTO_BACKEND
    ? attempt(() => autoRef(file.backend.options))
    : ref("backend", file.backend, "backend");
  const executor = ref(
    "executor",
    file.executor,
    "executor",
    "flat" in file.executor ? "executor" : "executor.options",
  );
  const dataset = ref("dataset", file.dataset, "dataset");
  const classifier = ref("classifier", file.classifier, "classifier");
  const xai = ref("xai", file.xai, "xai");
  const shared = classifier && withSection(classifier, file.classifier);
  const priors = resolvePriors(file, registry, { classifier: shared, xai }, ref, attempt);
  const segmenter = ref("segmenter", file.segmenter, "segmenter");
  const recipes = file.grid.channels.map((input, i) =>
    attempt(() => resolveRecipe(input, `grid.channels[${i}]`, Object.keys(file.priors)))
  );
  attempt(() => assertUnique(file.grid.sampleSizes, "grid.sampleSizes"));
  attempt(() => assertUnique(file.seeds, "seeds"));
  attempt(() => assertUnique(recipes.map((r) => r?.name), "grid.channels"));
  const strategies = file.grid.strategies.map((s, i) => {
    // `supervised` is the pipeline's own training; registries without its plugin accept it.
    const builtIn = s.plugin === SUPERVISED && !registry.has("strategy", SUPERVISED);
    const resolved = builtIn
      ? attempt(() => supervisedRef(s.options, `grid.strategies[${i}]`))
      : ref("strategy", s, `grid.strategies[${i}]`);
    return resolved && { name: s.name, ...resolved };
  });
  attempt(() => assertUnique(strategies.map((s) => s?.name), "grid.strategies"));
  const comparisons = attempt(() =>
    resolveComparisons(file, recipes, strategies.filter((s) => s !== undefined))
  );
  if (problems.length > 0) throw new ConfigError([...new Set(problems)].join("\n"));

  return {
    name: file.name,
    description: file.description,
    backend: backend!,
    seeds: file.seeds,
    dataset: dataset!,
    preprocess: file.preprocess,
    split: file.split,
    classifier: shared!,
    priors,
    priorsFrom: file.priorsFrom,
    segmenter: { ...segmenter!, training: file.segmenter.training },
    grid: {
      recipes: recipes as ChannelRecipe[],
      sampleSizes: file.grid.sampleSizes,
      strategies: strategies as ResolvedStrategy[],
    },
    report: {
      comparisons: comparisons!,
      examples: file.report.examples,
      metric: file.report.metric,
    },
    executor: executor!,
  };
}

type RefResolver = (
  kind: PluginKind,
  value: { plugin: string; options: unknown },
  where: string,
) => ResolvedRef | undefined;

function withSection(ref: ResolvedRef, section: ExperimentFile["classifier"]): ResolvedClassifier {
  const { input, target, trainOn, training } = section;
  return { ...ref, input, target, trainOn, training };
}

/** The experiment's classifier section with a prior's overrides (a new plugin: its options). */
function classifierSection(
  file: ExperimentFile,
  override: ExperimentFile["priors"][string]["classifier"],
): ExperimentFile["classifier"] {
  if (!override) return file.classifier;
  const defined = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined));
  const options = override.plugin && !override.options ? {} : file.classifier.options;
  return { ...file.classifier, options, ...defined };
}

/** The prior's source plugin, from its `source` (old names and forms accepted). */
function sourceRef(prior: ExperimentFile["priors"][string], where: string) {
  const plugin = prior.source === "classifier" ? "cam" : prior.source;
  if (prior.threshold === undefined) return { plugin, options: prior.options };
  if (plugin !== "population") {
    throw new ConfigError(`${where}.threshold: only the population source takes a threshold`);
  }
  return { plugin, options: { ...prior.options, threshold: prior.threshold } };
}

function resolvePriors(
  file: ExperimentFile,
  registry: Registry,
  shared: { classifier?: ResolvedClassifier; xai?: ResolvedRef },
  ref: RefResolver,
  attempt: <T>(fn: () => T) => T | undefined,
): Record<string, ResolvedPrior> {
  const priors: Record<string, ResolvedPrior> = {};
  for (const [name, prior] of Object.entries(file.priors)) {
    const where = `priors[${JSON.stringify(name)}]`;
    const sourceValue = attempt(() => sourceRef(prior, where));
    const source = sourceValue && ref("prior", sourceValue, `${where}.source`);
    const postprocess = prior.postprocess.map((p, i) =>
      ref("postprocess", p, `${where}.postprocess[${i}]`)
    );
    if (!source || postprocess.some((p) => p === undefined)) continue;
    const needs = registry.get("prior", source.plugin).needs ?? {};
    const resolved = { name, source, needs, postprocess: postprocess as ResolvedRef[] };
    if (!needs.classifier) {
      for (const field of ["classifier", "xai"] as const) {
        if (prior[field] !== undefined) {
          attempt(() => {
            throw new ConfigError(
              `${where}.${field}: the "${source.plugin}" source uses no classifier`,
            );
          });
        }
      }
      priors[name] = resolved;
      continue;
    }
    const section = prior.classifier && classifierSection(file, prior.classifier);
    const own = section && ref("classifier", section, `${where}.classifier`);
    const classifier = section ? own && withSection(own, section) : shared.classifier;
    const xai = prior.xai ? ref("xai", prior.xai, `${where}.xai`) : shared.xai;
    if (classifier && xai) priors[name] = { ...resolved, classifier, xai };
  }
  return priors;
}

/** The `backend` value that picks the best available backend plugin. */
export const AUTO_BACKEND = "auto";

function supervisedRef(options: Record<string, unknown>, where: string): ResolvedRef {
  if (Object.keys(options).length > 0) {
    throw new ConfigError(`${where}.options: "${SUPERVISED}" takes no options`);
  }
  return { plugin: SUPERVISED, options: {} };
}

function autoRef(options: Record<string, unknown>): ResolvedRef {
  if (Object.keys(options).length > 0) {
    throw new ConfigError(`backend.options: "auto" takes no options; name a backend plugin`);
  }
  return { plugin: AUTO_BACKEND, options: {} };
}

/**
 * Checks the plugin exists and validates its options. `where` names the reference in
 * errors (`<where>.plugin`), `optionsAt` its options (default `<where>.options`).
 */
function resolveRef(
  registry: Registry,
  kind: PluginKind,
  value: { plugin: string; options: unknown },
  where: string,
  optionsAt = `${where}.options`,
): ResolvedRef {
  if (!registry.has(kind, value.plugin)) {
    try {
      registry.get(kind, value.plugin);
    } catch (error) {
      throw new ConfigError(`${where}.plugin: ${(error as Error).message}`);
    }
  }
  const options = registry.parseOptions(kind, value.plugin, value.options, optionsAt);
  return { plugin: value.plugin, options: options as Record<string, unknown> };
}

function resolveRecipe(
  input: ExperimentFile["grid"]["channels"][number],
  where: string,
  priorNames: readonly string[],
): ChannelRecipe {
  let recipe: ChannelRecipe;
  try {
    recipe = parseRecipe(input);
  } catch (error) {
    throw new ConfigError(`${where}: ${(error as Error).message}`);
  }
  for (const prior of priorsOf(recipe)) {
    if (!priorNames.includes(prior)) {
      const known = priorNames.length > 0 ? priorNames.join(", ") : "none defined";
      throw new ConfigError(
        `${where}: unknown prior "${prior}" in "${recipe.name}" (priors: ${known}; ` +
          `define it under "priors")`,
      );
    }
  }
  return recipe;
}

function resolveComparisons(
  file: ExperimentFile,
  recipes: readonly (ChannelRecipe | undefined)[],
  strategies: readonly ResolvedStrategy[],
): Comparison[] {
  const known = recipes.filter((r) => r !== undefined);
  const names = cellRecipes(known, strategies).map((r) => r.name);
  if (file.report.comparisons) {
    file.report.comparisons.forEach((pair, i) => {
      for (const side of ["proposed", "baseline"] as const) {
        if (!names.includes(pair[side])) {
          throw new ConfigError(
            `report.comparisons[${i}].${side}: "${pair[side]}" is not a recipe of the grid ` +
              `(${names.join(", ")})`,
          );
        }
      }
    });
    return file.report.comparisons;
  }
  return strategyComparisons(known, strategies, defaultComparisons);
}

/**
 * The paper's two comparisons of each recipe with priors, where the grid has the baseline:
 * against the image-only recipe of equal width (Figure 2a), and against the recipe with the
 * same image channels and no prior (Figure 2b).
 */
export function defaultComparisons(recipes: readonly ChannelRecipe[]): Comparison[] {
  const imageOnly = (count: number) =>
    recipes.find((r) => priorsOf(r).length === 0 && r.channels.length === count);
  return recipes.flatMap((recipe): Comparison[] => {
    if (priorsOf(recipe).length === 0) return [];
    const images = recipe.channels.filter((c) => c === IMAGE_CHANNEL).length;
    const sameWidth = imageOnly(recipe.channels.length);
    const withoutPrior = imageOnly(images);
    return [
      ...(sameWidth
        ? [{ proposed: recipe.name, baseline: sameWidth.name, kind: "same-width" as const }]
        : []),
      ...(withoutPrior
        ? [{ proposed: recipe.name, baseline: withoutPrior.name, kind: "added-prior" as const }]
        : []),
    ];
  });
}

function assertUnique(values: readonly unknown[], where: string): void {
  const seen = new Set<unknown>();
  values.forEach((value, i) => {
    if (value !== undefined && seen.has(value)) {
      throw new ConfigError(`${formatPath([i], where)}: duplicate ${JSON.stringify(value)}`);
    }
    seen.add(value);
  });
}
