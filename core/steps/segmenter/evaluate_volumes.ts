/**
 * A cell's evaluation the ACDC way: its test predictions mapped back to native resolution
 * (`restore.ts`) against the data artifact's native labels, per 3-D volume and structure.
 *
 * @module
 */
import {
  evaluateVolumes,
  patientVolumeScores,
  summarizeVolumes,
  type VolumeRecord,
  type VolumeSummary,
} from "../../metrics/volume_evaluation.ts";
import { loadData, loadNativeLabels } from "../data/data_step.ts";
import type { PreparedSlices, SliceMeta } from "../data/prepared.ts";
import { nativeSlices } from "../data/restore.ts";
import type { StepEnv } from "../env.ts";

/** Per-volume scores of one test patient, averaged over its volumes. */
export interface PatientVolumeScores {
  readonly patientId: string;
  readonly foregroundDice: number;
  readonly hd95: number;
}

/** What the evaluation gives a cell. */
export interface CellVolumes {
  readonly records: VolumeRecord[];
  readonly summary: VolumeSummary;
  readonly perPatient: PatientVolumeScores[];
}

const keyOf = (m: SliceMeta) => `${m.patientId}\u0000${m.phase}\u0000${m.sliceIndex}`;

/** Evaluates `predictions` (aligned with `test`, a subset of the data artifact `dataId`). */
export async function evaluateCellVolumes(
  env: StepEnv,
  dataId: string,
  test: PreparedSlices,
  predictions: Uint8Array,
): Promise<CellVolumes> {
  const { prepared } = await loadData(env, dataId);
  const native = await loadNativeLabels(env, dataId);
  const index = new Map(prepared.meta.map((m, i) => [keyOf(m), i]));
  const records = evaluateVolumes(
    nativeSlices(test.meta, predictions, test.size, (i) => native(index.get(keyOf(test.meta[i]))!)),
  );
  const perPatient = [...patientVolumeScores(records)].map(([patientId, scores]) => ({
    patientId,
    ...scores,
  }));
  return { records, summary: summarizeVolumes(records), perPatient };
}
