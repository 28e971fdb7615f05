/**
 * Patient-level splits, stratified by diagnosis, and nested sample-size subsets.
 *
 * @module
 */
import type { Cohort, Patient } from "../../plugin/cohort.ts";
import { CampriorError, ConfigError } from "../../util/errors.ts";
import { deriveSeed, seededRandom, shuffled } from "../../util/random.ts";
import { allocateSample, nestedAllocations, sampleCount } from "./allocation.ts";

/** Patient ids per set; no patient is in two sets. */
export interface PatientSplit {
  readonly train: readonly string[];
  readonly val: readonly string[];
  readonly test: readonly string[];
}

/** Fractions of patients held out for validation and test. */
export interface SplitFractions {
  readonly val: number;
  readonly test: number;
}

/** Groups patients by diagnosis, each group in a seeded random order. */
function shuffledByGroup(patients: readonly Patient[], seed: number): Patient[][] {
  const groups = new Map<string, Patient[]>();
  for (const patient of [...patients].sort((a, b) => a.id.localeCompare(b.id))) {
    groups.set(patient.group, [...(groups.get(patient.group) ?? []), patient]);
  }
  return [...groups.keys()].sort().map((group) =>
    shuffled(groups.get(group)!, seededRandom(deriveSeed(seed, group)))
  );
}

/** Splits patients into train/val/test, stratified by diagnosis and seeded. */
export function splitPatients(
  patients: readonly Patient[],
  fractions: SplitFractions,
  seed: number,
): PatientSplit {
  const train: string[] = [], val: string[] = [], test: string[] = [];
  for (const group of shuffledByGroup(patients, seed)) {
    const nTest = Math.round(group.length * fractions.test);
    const nVal = Math.round(group.length * fractions.val);
    group.forEach((patient, i) => {
      const set = i < nTest ? test : i < nTest + nVal ? val : train;
      set.push(patient.id);
    });
  }
  return { train, val, test };
}

/**
 * Assigns each patient to one of `folds` folds, stratified by diagnosis and seeded: within
 * each group, patients in a seeded order are dealt to folds in turn.
 */
export function assignFolds(
  patients: readonly Patient[],
  folds: number,
  seed: number,
): Map<string, number> {
  const fold = new Map<string, number>();
  let next = 0;
  for (const group of shuffledByGroup(patients, deriveSeed(seed, "folds"))) {
    for (const patient of group) fold.set(patient.id, next++ % folds);
  }
  return fold;
}

/**
 * A seeded, stratified sample of exactly `round(percent/100 · N)` patients (see
 * `allocation.ts`), at least one per diagnosis group while the total allows. Samples are
 * nested: for one seed, a smaller percent gives a subset of a larger one. `atLeastOne`
 * takes one patient where the percent rounds to none (used for validation sets).
 */
export function sampleSubset(
  patients: readonly Patient[],
  percent: number,
  seed: number,
  options: { readonly atLeastOne?: boolean } = {},
): string[] {
  const groups = shuffledByGroup(patients, deriveSeed(seed, "sample"));
  const sizes = groups.map((g) => g.length);
  const count = options.atLeastOne && patients.length > 0
    ? Math.max(1, sampleCount(percent, patients.length))
    : undefined;
  const perGroup = count === undefined
    ? allocateSample(sizes, percent, deriveSeed(seed, "allocation"))
    : nestedAllocations(sizes, deriveSeed(seed, "allocation"))[count];
  return groups.flatMap((group, g) => group.slice(0, perGroup[g]).map((p) => p.id));
}

/** What a split needs of a cohort (a `Cohort`, or the data step's artifact). */
export type SplitSource = Pick<Cohort, "patients" | "predefinedSplit">;

/** Split settings from the experiment file. */
export interface SplitSettings extends SplitFractions {
  /** `random`: seeded, stratified; `predefined`: the dataset's list files. */
  readonly mode: "random" | "predefined";
}

/**
 * The patient split of a seed. `random` splits all patients by the fractions. `predefined`
 * takes the dataset's split (e.g. list files); a set the source leaves empty (no
 * `test.list`) is drawn, stratified and seeded, from the predefined training patients by
 * its fraction, so no patient is in two sets.
 */
export function resolveSplit(
  cohort: SplitSource,
  settings: SplitSettings,
  seed: number,
): PatientSplit {
  if (settings.mode === "random") return splitPatients(cohort.patients, settings, seed);
  const predefined = cohort.predefinedSplit;
  if (!predefined) {
    throw new ConfigError(
      `split.mode is "predefined" but the dataset defines no split (no list files); ` +
        `use split.mode "random"`,
    );
  }
  checkSplit(cohort, predefined);
  const carve = {
    val: predefined.val.length === 0 ? settings.val : 0,
    test: predefined.test.length === 0 ? settings.test : 0,
  };
  if (carve.val === 0 && carve.test === 0) return predefined;
  const trainPatients = cohort.patients.filter((p) => predefined.train.includes(p.id));
  const drawn = splitPatients(trainPatients, carve, seed);
  return {
    train: drawn.train,
    val: predefined.val.length > 0 ? predefined.val : drawn.val,
    test: predefined.test.length > 0 ? predefined.test : drawn.test,
  };
}

/** Throws unless every id is a cohort patient and no patient is in two sets. */
export function checkSplit(cohort: SplitSource, split: PatientSplit): void {
  const known = new Set(cohort.patients.map((p) => p.id));
  const seen = new Map<string, string>();
  for (const [set, ids] of Object.entries(split) as [string, readonly string[]][]) {
    for (const id of ids) {
      if (!known.has(id)) throw new CampriorError(`split: ${set} names unknown patient ${id}`);
      const other = seen.get(id);
      if (other !== undefined) {
        throw new CampriorError(`split: patient ${id} is in both ${other} and ${set}`);
      }
      seen.set(id, set);
    }
  }
}
