/**
 * Resolving the file's `priors`: each prior's source plugin and postprocessing and, for
 * sources that need one, its classifier and saliency method (the experiment's, or the
 * prior's own overrides of them).
 *
 * @module
 */
import { ConfigError } from "../util/errors.ts";
import type { ExperimentFile, TrainingSettings } from "./experiment_schema.ts";
import type { PluginKind, PriorNeeds } from "../plugin/plugin.ts";
import type { ClassifierInput } from "../steps/classifier/classifier_inputs.ts";
import type { ClassifierTarget } from "../steps/classifier/classifier_targets.ts";
import type { Registry } from "../plugin/registry.ts";

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

/**
 * Resolves a plugin reference of `kind` against the registry, or records the problem and
 * returns undefined; `where` names the reference in errors.
 */
export type RefResolver = (
  kind: PluginKind,
  value: { plugin: string; options: unknown },
  where: string,
) => ResolvedRef | undefined;

/** A resolved classifier plugin with the rest of its classifier section. */
export function withSection(
  ref: ResolvedRef,
  section: ExperimentFile["classifier"],
): ResolvedClassifier {
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

/**
 * Resolves every prior of the file. `shared` holds the experiment's classifier and saliency
 * method (used by priors that name none of their own); `attempt` records a problem and goes
 * on, so one call reports all of them. Priors with a problem are left out of the result.
 */
export function resolvePriors(
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
