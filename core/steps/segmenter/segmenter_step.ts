/**
 * The segmenter step, one per grid cell: train on the cell's channels and sample size, then
 * evaluate on the test patients — pooled at the network's resolution (the paper's metric)
 * and per 3-D volume at native resolution (`volumes.json`) — and keep the predictions.
 *
 * @module
 */
import { join } from "node:path";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import { SEGMENTATION_CLASSES } from "../../plugin/cohort.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import { SegmentationConfusion, segmentationMetrics } from "../../metrics/segmentation.ts";
import type { VolumeSummary } from "../../metrics/volume_evaluation.ts";
import { evaluateCellVolumes, type PatientVolumeScores } from "./evaluate_volumes.ts";
import type { PriorMaps } from "../data/inputs.ts";
import { patientSubset } from "../data/subsets.ts";
import { trainSegmenter } from "./train_segmenter.ts";
import { loadCheckpoint, saveCheckpoint } from "../../training/checkpoint.ts";
import type * as tfl from "@tensorflow/tfjs-layers";
import { CampriorError } from "../../util/errors.ts";
import { readJson, readUint8, writeArray } from "../../run/artifact_store.ts";
import { loadData } from "../data/data_step.ts";
import { describeStep, pluginContext, type StepEnv } from "../env.ts";
import { epochProgress } from "../epoch_progress.ts";
import { loadMaps } from "../prior/maps.ts";
import { loadSplit, sampledPatients } from "../split/split_step.ts";
import type { SegmenterStep } from "../../plan/step.ts";
import { unlabelledPatients } from "./unlabelled_pool.ts";

/** Metrics of one test patient (all its test slices pooled). */
export interface PatientMetrics {
  readonly patientId: string;
  readonly meanIoUWithBackground: number;
  readonly foregroundMeanDice: number;
  readonly iouPerClass: readonly number[];
}

/** Name of a cell artifact's per-volume records. */
export const VOLUMES_FILE = "volumes.json";

/** What a finished cell records in `metrics.json`. */
export interface CellMetrics {
  readonly meanIoUWithBackground: number;
  readonly foregroundMeanIoU: number;
  readonly foregroundMeanDice: number;
  readonly iouPerClass: readonly number[];
  readonly dicePerClass: readonly number[];
  readonly perPatient: readonly PatientMetrics[];
  readonly trainPatients: number;
  readonly trainSlices: number;
  /** Patients of the unlabelled pool a semi-supervised strategy learnt from (0: none). */
  readonly unlabelledPatients?: number;
  readonly unlabelledSlices?: number;
  readonly testSlices: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly seconds: number;
  /** Per-volume evaluation at native resolution (absent in artifacts that predate it). */
  readonly volume?: VolumeSummary;
  /** Per test patient: means over the patient's volumes (ED, ES). */
  readonly perPatientVolume?: readonly PatientVolumeScores[];
  /** Patients with labels this cell trained on and validated on, and its test patients. */
  readonly trainPatientIds?: readonly string[];
  readonly valPatientIds?: readonly string[];
  readonly testPatients?: number;
}

/** The maps of every prior channel, by the id of the step that made them. */
async function priorMaps(env: StepEnv, channels: readonly string[]): Promise<PriorMaps> {
  const maps = new Map<string, Float32Array>();
  for (const channel of channels) {
    if (channel !== IMAGE_CHANNEL) maps.set(channel, await loadMaps(env, channel));
  }
  return maps;
}

function perPatientMetrics(test: PreparedSlices, predictions: Uint8Array): PatientMetrics[] {
  const pixels = test.size * test.size;
  const byPatient = new Map<string, SegmentationConfusion>();
  test.meta.forEach((meta, i) => {
    const confusion = byPatient.get(meta.patientId) ??
      new SegmentationConfusion(SEGMENTATION_CLASSES.length);
    const range = [i * pixels, (i + 1) * pixels] as const;
    confusion.add(test.labels.subarray(...range), predictions.subarray(...range));
    byPatient.set(meta.patientId, confusion);
  });
  return [...byPatient].map(([patientId, confusion]) => {
    const m = segmentationMetrics(confusion);
    return {
      patientId,
      meanIoUWithBackground: m.meanIoUWithBackground,
      foregroundMeanDice: m.foregroundMeanDice,
      iouPerClass: m.iouPerClass,
    };
  });
}

/** Trains and evaluates one cell, writing `metrics.json` and `predictions.u8`. */
export async function runSegmenterStep(env: StepEnv, step: SegmenterStep): Promise<void> {
  const started = performance.now();
  const { settings } = step;
  const data = await loadData(env, settings.data);
  const split = await loadSplit(env, settings.split);
  const priors = await priorMaps(env, settings.channels);
  const sampled = sampledPatients(data, split, settings.sample, settings.seed);
  if (sampled.train.length === 0 || split.test.length === 0) {
    throw new CampriorError(
      `${step.label}: ${
        split.test.length === 0 ? "the test set is empty" : "no labelled training patient"
      } (${sampled.train.length} of ${split.train.length} training patients at ` +
        `${settings.sample.size}%, ${split.test.length} test patients)`,
    );
  }
  // Semi-supervised strategies only: training patients without labels at this size.
  const poolIds = settings.strategy ? unlabelledPatients(split, sampled.train) : [];
  const [train, val, test, pool] = [sampled.train, sampled.val, split.test, poolIds].map((ids) =>
    patientSubset(data.prepared, priors, ids)
  );
  const progress = epochProgress(env, step.label, settings.training.epochs);
  const outcome = await trainSegmenter(
    { ...settings.segmenter, training: settings.training },
    env.registry,
    pluginContext(env, settings.seed),
    settings.channels,
    {
      train: train.slices,
      val: val.slices,
      test: test.slices,
      trainPriors: train.priors,
      valPriors: val.priors,
      testPriors: test.priors,
      unlabelled: pool.slices,
      unlabelledPriors: pool.priors,
    },
    progress.onEpoch,
    settings.strategy,
  ).finally(progress.finish);
  const { metrics } = outcome;
  const volumes = await evaluateCellVolumes(env, settings.data, test.slices, outcome.predictions)
    .catch((error) => {
      outcome.model.dispose();
      throw error;
    });
  const result: CellMetrics = {
    meanIoUWithBackground: metrics.meanIoUWithBackground,
    foregroundMeanIoU: metrics.foregroundMeanIoU,
    foregroundMeanDice: metrics.foregroundMeanDice,
    iouPerClass: metrics.iouPerClass,
    dicePerClass: metrics.dicePerClass,
    perPatient: perPatientMetrics(test.slices, outcome.predictions),
    trainPatients: sampled.train.length,
    trainSlices: train.slices.count,
    ...(settings.strategy
      ? { unlabelledPatients: poolIds.length, unlabelledSlices: pool.slices.count }
      : {}),
    testSlices: test.slices.count,
    epochs: outcome.fit.history.length,
    bestEpoch: outcome.fit.bestEpoch,
    seconds: (performance.now() - started) / 1000,
    volume: volumes.summary,
    perPatientVolume: volumes.perPatient,
    trainPatientIds: sampled.train,
    valPatientIds: sampled.val,
    testPatients: split.test.length,
  };
  const { summary } = volumes;
  env.log.info(
    `${step.label}: mean IoU incl. background ${result.meanIoUWithBackground.toFixed(3)}, ` +
      `fg Dice per volume ${summary.foregroundDice.toFixed(3)}, HD95 ${
        Number.isFinite(summary.meanHd95)
          ? `${summary.meanHd95.toFixed(1)} ${summary.unit}`
          : "n/a (no structure predicted in any volume)"
      } (${summary.volumes} volumes)`,
  );
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await Deno.writeTextFile(join(dir, "metrics.json"), JSON.stringify(result, null, 2));
    await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(outcome.fit.history));
    await writeArray(join(dir, "predictions.u8"), outcome.predictions);
    await Deno.writeTextFile(join(dir, VOLUMES_FILE), JSON.stringify(volumes.records));
    await saveCheckpoint(outcome.model, dir);
  }).finally(() => outcome.model.dispose());
}

/** The metrics of a finished cell. */
export async function loadCellMetrics(env: StepEnv, id: string): Promise<CellMetrics> {
  return await readJson<CellMetrics>(join(await env.store.verifiedDir(id), "metrics.json"));
}

/** The trained network of a finished cell (its tfjs checkpoint); the caller disposes it. */
export async function loadSegmenter(env: StepEnv, id: string): Promise<tfl.LayersModel> {
  return await loadCheckpoint(await env.store.verifiedDir(id));
}

/** The test-set predictions of a finished cell, aligned with the test patients' slices. */
export async function loadPredictions(env: StepEnv, id: string): Promise<Uint8Array> {
  return await readUint8(join(await env.store.verifiedDir(id), "predictions.u8"));
}
