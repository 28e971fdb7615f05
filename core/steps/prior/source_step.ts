/**
 * The source step: a prior source plugin's maps of every slice. The step provides what the
 * source declared it needs — the labelled slices of a sample size, or a classifier: trained
 * (for out-of-fold priors each fold's training patients are explained by the classifier
 * that did not see them) or freshly initialised — and stores the maps. Classifier-based
 * sources also get Adebayo et al.'s model randomisation check.
 *
 * @module
 */
import { join } from "node:path";
import type { SourceSettings, SourceStep } from "../../plan/step.ts";
import type {
  ClassifierNetwork,
  PriorClassifier,
  PriorInput,
  PriorSourceInstance,
} from "../../plugin/plugin.ts";
import { readFloat32, writeArray } from "../../run/artifact_store.ts";
import { CampriorError } from "../../util/errors.ts";
import { requireFinite } from "../../util/finite.ts";
import { spearman } from "../../xai/cam_quality.ts";
import { classifierInputTensor } from "../classifier/classifier_inputs.ts";
import {
  buildNetwork,
  foldsOf,
  loadClassifier,
  trainingPatients,
} from "../classifier/classifier_step.ts";
import { type DataArtifact, loadData } from "../data/data_step.ts";
import { type PreparedSlices, selectSlices } from "../data/prepared.ts";
import { patientSubset } from "../data/subsets.ts";
import { describeStep, pluginContext, type StepEnv } from "../env.ts";
import { loadSplit, sampledPatients } from "../split/split_step.ts";

/** Slices used for the model randomisation check. */
const SANITY_SLICES = 32;

/** Networks of a classifier-based source and the slices each explains. */
type Groups = { network: ClassifierNetwork; slices: number[] }[];

async function labelledSlices(env: StepEnv, settings: SourceSettings, data: DataArtifact) {
  const { split: splitId, sample } = settings.labels!;
  const split = await loadSplit(env, splitId);
  const labelled = sampledPatients(data, split, sample, settings.seed!).train;
  return patientSubset(data.prepared, new Map(), labelled).slices;
}

/** The trained classifier for every slice, or each fold's for its training patients. */
async function trainedGroups(env: StepEnv, settings: SourceSettings, data: DataArtifact) {
  const { trained, outOfFold } = settings.classifier!;
  const all = data.prepared.meta.map((_m, i) => i);
  const groups: Groups = [{ network: await loadClassifier(env, trained!), slices: all }];
  if (!outOfFold) return groups;
  const split = await loadSplit(env, outOfFold.split);
  const seed = settings.seed!;
  const train = trainingPatients(data, split, { sample: outOfFold.sample, seed });
  const foldOf = foldsOf(data, train.train, outOfFold.classifiers.length, seed);
  groups[0].slices = all.filter((i) => !foldOf.has(data.prepared.meta[i].patientId));
  for (const [fold, id] of outOfFold.classifiers.entries()) {
    const slices = all.filter((i) => foldOf.get(data.prepared.meta[i].patientId) === fold);
    groups.push({ network: await loadClassifier(env, id), slices });
  }
  return groups;
}

function untrained(env: StepEnv, settings: SourceSettings, seed: number, size: number) {
  const { network, input, target } = settings.classifier!;
  return buildNetwork(env, network, seed, size, input, target);
}

async function priorClassifier(
  env: StepEnv,
  settings: SourceSettings,
  prepared: PreparedSlices,
  groups: Groups,
): Promise<PriorClassifier> {
  const { xai: ref, seed } = settings;
  const xai = await env.registry.get("xai", ref!.plugin).create(
    ref!.options,
    pluginContext(env, seed!),
  );
  const { input } = settings.classifier!;
  return { groups, xai, inputs: (slices) => classifierInputTensor(prepared, input, slices) };
}

/** The maps as `count · S²` values, or one `S²` map for all; throws naming the plugin. */
function checkMaps(maps: Float32Array, settings: SourceSettings, prepared: PreparedSlices) {
  const pixels = prepared.size * prepared.size;
  const name = `prior source "${settings.source.plugin}"`;
  if (maps.length !== pixels && maps.length !== prepared.count * pixels) {
    throw new CampriorError(
      `${name} returned ${maps.length} values; expected ${prepared.count}·${pixels} ` +
        `(one map per slice) or ${pixels} (one map for all)`,
    );
  }
  const xai = settings.xai ? ` with xai plugin "${settings.xai.plugin}"` : "";
  requireFinite(maps, `${name}${xai}`, maps.length === pixels ? maps.length : pixels);
}

/**
 * Adebayo et al.'s model randomisation test: Spearman correlation, per slice, of the
 * source's maps from the trained classifier and from a freshly initialised one (low is good).
 */
async function randomisationCheck(
  env: StepEnv,
  settings: SourceSettings,
  instance: PriorSourceInstance,
  input: PriorInput,
  trainedMaps: Float32Array,
) {
  const { slices: prepared } = input;
  const count = Math.min(SANITY_SLICES, prepared.count);
  const slices = Array.from({ length: count }, (_, i) => i);
  const network = await untrained(env, settings, settings.seed! + 7919, prepared.size);
  try {
    const classifier = await priorClassifier(env, settings, prepared as PreparedSlices, [
      { network, slices },
    ]);
    // the first `count` slices keep their indices, so the classifier's inputs still fit
    const subset = selectSlices(prepared as PreparedSlices, (_m, i) => i < count);
    const random = await instance.maps({ ...input, slices: subset, classifier });
    const pixels = prepared.size * prepared.size;
    const rhos = slices.map((i) =>
      spearman(
        trainedMaps.subarray(i * pixels, (i + 1) * pixels),
        random.subarray(i * pixels, (i + 1) * pixels),
      )
    ).filter((r) => !Number.isNaN(r));
    const mean = rhos.length === 0 ? Number.NaN : rhos.reduce((a, b) => a + b, 0) / rhos.length;
    return { slices: count, spearman: mean };
  } finally {
    network.model.dispose();
  }
}

function createSource(env: StepEnv, settings: SourceSettings) {
  const { plugin, options } = settings.source;
  return env.registry.get("prior", plugin).create(options, pluginContext(env, settings.seed ?? 0));
}

/**
 * A finished source's maps of new slices, one per slice, as the pipeline made them for its
 * test slices: from the classifier trained on all training patients (or the seed's
 * untrained one), or the stored map of a source that learned from the labelled patients.
 */
export async function sourceMapsFor(
  env: StepEnv,
  step: SourceStep,
  slices: PreparedSlices,
): Promise<Float32Array> {
  const { settings } = step;
  const pixels = slices.size * slices.size;
  const repeat = (map: Float32Array) => {
    const maps = new Float32Array(slices.count * pixels);
    for (let i = 0; i < slices.count; i++) maps.set(map, i * pixels);
    return maps;
  };
  if (settings.labels) {
    const dir = await env.store.verifiedDir(step.id);
    const map = await readFloat32(join(dir, "map.f32")).catch(() => {
      throw new CampriorError(
        `${step.label}: prior source "${settings.source.plugin}" learned per-slice maps from ` +
          `the labelled patients; they cannot be made for new slices`,
      );
    });
    if (map.length !== pixels) {
      throw new CampriorError(`${step.label}: stored map has ${map.length} values, not ${pixels}`);
    }
    return repeat(map);
  }
  const instance = await createSource(env, settings);
  const network = settings.classifier === undefined
    ? undefined
    : settings.classifier.trained !== undefined
    ? await loadClassifier(env, settings.classifier.trained)
    : await untrained(env, settings, settings.seed!, slices.size);
  try {
    const all = slices.meta.map((_m, i) => i);
    const classifier = network &&
      await priorClassifier(env, settings, slices, [{ network, slices: all }]);
    const maps = await instance.maps({ slices, signal: env.signal, classifier });
    checkMaps(maps, settings, slices);
    return maps.length === pixels ? repeat(maps) : maps;
  } finally {
    network?.model.dispose();
  }
}

/** Computes a prior source's maps of every slice and stores them. */
export async function runSourceStep(env: StepEnv, step: SourceStep): Promise<void> {
  const { settings } = step;
  const data = await loadData(env, settings.data);
  const { prepared } = data;
  const instance = await createSource(env, settings);
  const input: { -readonly [K in keyof PriorInput]: PriorInput[K] } = {
    slices: prepared,
    signal: env.signal,
  };
  if (settings.labels) input.labelled = await labelledSlices(env, settings, data);
  const kind = settings.classifier?.trained === undefined ? "untrained" : "trained";
  const groups: Groups = settings.classifier === undefined
    ? []
    : kind === "trained"
    ? await trainedGroups(env, settings, data)
    : [{
      network: await untrained(env, settings, settings.seed!, prepared.size),
      slices: prepared.meta.map((_m, i) => i),
    }];
  try {
    if (settings.classifier) {
      input.classifier = await priorClassifier(env, settings, prepared, groups);
    }
    const maps = await instance.maps(input);
    checkMaps(maps, settings, prepared);
    const extra: Record<string, unknown> = {};
    if (settings.classifier && kind === "trained" && maps.length > prepared.size ** 2) {
      extra.randomisation = await randomisationCheck(env, settings, instance, input, maps);
      env.log.info(
        `${step.label}: maps vs randomised classifier: Spearman ${
          (extra.randomisation as { spearman: number }).spearman.toFixed(3)
        }`,
      );
    }
    const single = maps.length === prepared.size ** 2 && prepared.count > 1;
    await commitSourceMaps(env, step, maps, single ? prepared.count : undefined, extra);
  } finally {
    for (const group of groups) group.network.model.dispose();
  }
}

/**
 * Stores per-slice maps (`maps.f32`), or one map that serves all `count` slices (`map.f32`
 * and `index.json`, see `maps.ts`).
 */
async function commitSourceMaps(
  env: StepEnv,
  step: SourceStep,
  maps: Float32Array,
  count: number | undefined,
  extra: Record<string, unknown>,
): Promise<void> {
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    if (count !== undefined) {
      await writeArray(join(dir, "map.f32"), maps);
      await Deno.writeTextFile(join(dir, "index.json"), JSON.stringify({ count }));
    } else {
      await writeArray(join(dir, "maps.f32"), maps);
    }
    for (const [name, value] of Object.entries(extra)) {
      await Deno.writeTextFile(join(dir, `${name}.json`), JSON.stringify(value, null, 2));
    }
  });
}
