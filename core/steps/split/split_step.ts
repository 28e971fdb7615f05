/**
 * The split step: patient-level train/val/test sets for a seed, stratified by diagnosis,
 * or the dataset's own split (sets its lists leave empty are drawn from the training set).
 *
 * @module
 */
import { join } from "node:path";
import { type PatientSplit, resolveSplit, sampleSubset } from "./split.ts";
import { type DataArtifact, loadData } from "../data/data_step.ts";
import { describeStep, memoized, type StepEnv } from "../env.ts";
import { readJson } from "../../run/artifact_store.ts";
import type { Sampling, SplitStep } from "../../plan/step.ts";

/** Computes and writes the split. */
export async function runSplitStep(env: StepEnv, step: SplitStep): Promise<void> {
  const { data, split: settings, seed } = step.settings;
  const split = resolveSplit(await loadData(env, data), settings, seed);
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await Deno.writeTextFile(join(dir, "split.json"), JSON.stringify(split, null, 2));
  });
}

/** Reads a split artifact. */
export function loadSplit(env: StepEnv, id: string): Promise<PatientSplit> {
  return memoized(
    env,
    id,
    async () => readJson<PatientSplit>(join(await env.store.verifiedDir(id), "split.json")),
  );
}

/**
 * Patients with segmentation labels at a sample size: the same fraction of the training
 * patients, exact, stratified and nested, and of the validation patients (at least one)
 * with `validation: "shrink"`, or all of them with `"full"`.
 */
export function sampledPatients(
  data: DataArtifact,
  split: PatientSplit,
  sample: Sampling,
  seed: number,
): { train: string[]; val: string[] } {
  const { size, validation = "shrink" } = sample;
  const of = (ids: readonly string[]) => {
    const wanted = new Set(ids);
    return data.patients.filter((p) => wanted.has(p.id));
  };
  return {
    train: sampleSubset(of(split.train), size, seed),
    val: validation === "full"
      ? [...split.val]
      : sampleSubset(of(split.val), size, seed, { atLeastOne: true }),
  };
}
