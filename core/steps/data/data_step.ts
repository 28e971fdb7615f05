/**
 * The data step: load the cohort with the dataset plugin and preprocess it once; later
 * steps read the stacked slices from the artifact.
 *
 * @module
 */
import { join } from "node:path";
import type { Patient, PredefinedSplit } from "../../plugin/cohort.ts";
import type { PreparedSlices, SliceMeta } from "./prepared.ts";
import { preprocessSlices } from "./preprocess.ts";
import { readFloat32, readUint8, writeArray } from "../../run/artifact_store.ts";
import { describeStep, memoized, pluginContext, type StepEnv } from "../env.ts";
import type { DataStep } from "../../plan/step.ts";

/** The preprocessed cohort. */
export interface DataArtifact {
  readonly prepared: PreparedSlices;
  readonly patients: readonly Patient[];
  readonly predefinedSplit?: PredefinedSplit;
}

interface DataIndex {
  size: number;
  count: number;
  meta: SliceMeta[];
  patients: Patient[];
  predefinedSplit?: PredefinedSplit;
}

/** Loads the dataset, preprocesses it and writes the artifact. */
export async function runDataStep(env: StepEnv, step: DataStep): Promise<void> {
  const { dataset, preprocess } = step.settings;
  const plugin = env.registry.get("dataset", dataset.plugin);
  const cohort = await (await plugin.create(dataset.options, pluginContext(env, 0))).load();
  const prepared = preprocessSlices(cohort.slices, preprocess);
  env.log.info(
    `${step.label}: ${cohort.patients.length} patients, ${prepared.count} slices at ` +
      `${prepared.size}×${prepared.size}`,
  );
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "images.f32"), prepared.images);
    await writeArray(join(dir, "labels.u8"), prepared.labels);
    const index: DataIndex = {
      size: prepared.size,
      count: prepared.count,
      meta: [...prepared.meta],
      patients: [...cohort.patients],
      predefinedSplit: cohort.predefinedSplit,
    };
    await Deno.writeTextFile(join(dir, "index.json"), JSON.stringify(index));
  });
}

/** Reads the data artifact (once per run). */
export function loadData(env: StepEnv, id: string): Promise<DataArtifact> {
  return memoized(env, id, async () => {
    const dir = env.store.dir(id);
    const index: DataIndex = JSON.parse(await Deno.readTextFile(join(dir, "index.json")));
    const prepared: PreparedSlices = {
      size: index.size,
      count: index.count,
      meta: index.meta,
      images: await readFloat32(join(dir, "images.f32")),
      labels: await readUint8(join(dir, "labels.u8")),
    };
    return { prepared, patients: index.patients, predefinedSplit: index.predefinedSplit };
  });
}
