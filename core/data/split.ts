/**
 * Patient-level splits, stratified by diagnosis, and nested sample-size subsets.
 *
 * @module
 */
import type { Patient } from "../cohort.ts";
import { deriveSeed, seededRandom, shuffled } from "../random.ts";

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
 * The first `percent`% of each diagnosis group in a seeded order, at least one patient
 * per group. Subsets are nested: a smaller percent gives a subset of a larger one.
 */
export function sampleSubset(
  patients: readonly Patient[],
  percent: number,
  seed: number,
): string[] {
  return shuffledByGroup(patients, deriveSeed(seed, "sample")).flatMap((group) =>
    group.slice(0, Math.max(1, Math.ceil((group.length * percent) / 100 - 1e-9)))
      .map((p) => p.id)
  );
}
