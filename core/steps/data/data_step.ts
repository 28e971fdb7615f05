/**
 * The data step: load the cohort with the dataset plugin, check every slice (the data
 * guards), and preprocess it once; later steps read the stacked slices from the artifact. It
 * also keeps every slice's label map at native resolution (`native_labels.u8`, slices one
 * after another), so cells are evaluated per 3-D volume at native resolution without reading
 * the dataset again.
 *
 * @module
 */
import { join } from "node:path";
import type { Cohort, Patient, PredefinedSplit } from "../../plugin/cohort.ts";
import type { PreparedSlices, SliceMeta } from "./prepared.ts";
import { preprocessSlices } from "./preprocess.ts";
import { readFloat32, readJson, readUint8, writeArray } from "../../run/artifact_store.ts";
import { formatCohortSummary, summarizeCohort } from "../../plugin/cohort_summary.ts";
import { describeSlice, guardSlices, type RejectedSlice } from "./slice_guards.ts";
import { describeStep, memoized, pluginContext, type StepEnv } from "../env.ts";
import type { DataStep } from "../../plan/step.ts";
import { CampriorError } from "../../util/errors.ts";

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
  /** Slices the data guards left out (`preprocess.invalidSlices: "drop"`). */
  dropped?: RejectedSlice[];
}

/** Loads the dataset, preprocesses it and writes the artifact. */
export async function runDataStep(env: StepEnv, step: DataStep): Promise<void> {
  const { dataset, preprocess } = step.settings;
  const plugin = env.registry.get("dataset", dataset.plugin);
  const loaded = await (await plugin.create(dataset.options, pluginContext(env, 0))).load();
  const { cohort, rejected, emptiedPatients } = guardSlices(loaded, preprocess.invalidSlices);
  if (rejected.length > 0) reportDropped(env, step, cohort, rejected, emptiedPatients);
  const prepared = preprocessSlices(cohort.slices, preprocess);
  env.log.info(
    `${step.label}: ${cohort.patients.length} patients, ${prepared.count} slices at ` +
      `${prepared.size}×${prepared.size}`,
  );
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "images.f32"), prepared.images);
    await writeArray(join(dir, "labels.u8"), prepared.labels);
    await writeArray(join(dir, NATIVE_LABELS), concatenated(cohort.slices.map((s) => s.label)));
    const index: DataIndex = {
      size: prepared.size,
      count: prepared.count,
      meta: [...prepared.meta],
      patients: [...cohort.patients],
      predefinedSplit: cohort.predefinedSplit,
      ...(rejected.length > 0 ? { dropped: [...rejected] } : {}),
    };
    await Deno.writeTextFile(join(dir, "index.json"), JSON.stringify(index));
  });
}

/** Logs the cohort with the dropped slices counted, and each dropped slice to the step log. */
function reportDropped(
  env: StepEnv,
  step: DataStep,
  cohort: Cohort,
  rejected: readonly RejectedSlice[],
  emptied: readonly string[],
): void {
  const summary = formatCohortSummary(summarizeCohort(cohort, undefined, rejected));
  const gone = emptied.length > 0 ? `; patients left with no slice: ${emptied.join(", ")}` : "";
  env.log.warn(
    `${step.label}: ${rejected.length} slices failed the data checks and were dropped` +
      `${gone} (each is listed in the step log)\n${summary}`,
  );
  for (const r of rejected) env.stepLog?.info(`dropped ${describeSlice(r)}: ${r.problem}`);
}

/** Reads the data artifact (once per run). */
export function loadData(env: StepEnv, id: string): Promise<DataArtifact> {
  return memoized(env, id, async () => {
    const dir = await env.store.verifiedDir(id);
    const index = await readJson<DataIndex>(join(dir, "index.json"));
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

const NATIVE_LABELS = "native_labels.u8";

function concatenated(maps: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(maps.reduce((n, m) => n + m.length, 0));
  let offset = 0;
  for (const m of maps) {
    out.set(m, offset);
    offset += m.length;
  }
  return out;
}

/**
 * Native label maps of the data artifact's slices: `(i) =>` slice `i`'s labels at its source
 * size (read once per run).
 */
export function loadNativeLabels(env: StepEnv, id: string): Promise<(index: number) => Uint8Array> {
  return memoized(env, `${id}:native`, async () => {
    const { prepared } = await loadData(env, id);
    const all = await readUint8(join(env.store.dir(id), NATIVE_LABELS));
    const offsets = [0];
    for (const m of prepared.meta) {
      const { height, width } = m.source ?? { height: prepared.size, width: prepared.size };
      offsets.push(offsets[offsets.length - 1] + height * width);
    }
    if (offsets[offsets.length - 1] !== all.length) {
      throw new CampriorError(
        `${id}: ${NATIVE_LABELS} holds ${all.length} labels, the slices need ` +
          `${offsets[offsets.length - 1]}; delete the artifact to rebuild it`,
      );
    }
    return (i: number) => all.subarray(offsets[i], offsets[i + 1]);
  });
}
