/**
 * Loading experiment files: read JSON, validate with the file schema, load third-party
 * plugins, then validate each plugin's options with the plugin's own schema.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { type ChannelRecipe, parseRecipe, priorsOf } from "./channels.ts";
import { ConfigError } from "../util/errors.ts";
import {
  type ExperimentFile,
  experimentFileSchema,
  type SegmenterTrainingSettings,
} from "./experiment_schema.ts";
import type { PluginKind } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { formatPath, formatZodIssues } from "../util/zod_format.ts";
import { applyOverrides, parseOverride } from "./overrides.ts";
import { type ResolvedStrategy, SUPERVISED } from "./strategies.ts";
import { type Comparison, resolveComparisons } from "./comparisons.ts";
import {
  type ResolvedClassifier,
  type ResolvedPrior,
  type ResolvedRef,
  resolvePriors,
  withSection,
} from "./resolve_priors.ts";

export type { ResolvedStrategy } from "./strategies.ts";
export { type Comparison, defaultComparisons } from "./comparisons.ts";
export type { ResolvedClassifier, ResolvedPrior, ResolvedRef } from "./resolve_priors.ts";

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

function assertUnique(values: readonly unknown[], where: string): void {
  const seen = new Set<unknown>();
  values.forEach((value, i) => {
    if (value !== undefined && seen.has(value)) {
      throw new ConfigError(`${formatPath([i], where)}: duplicate ${JSON.stringify(value)}`);
    }
    seen.add(value);
  });
}
