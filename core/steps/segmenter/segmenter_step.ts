/**
 * The segmenter step, one per grid cell: train on the cell's channels and sample size, then
 * evaluate on the test patients (pooled and per patient) and keep the predictions.
 *
 * @module
 */
import { join } from "node:path";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import { SEGMENTATION_CLASSES } from "../../plugin/cohort.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import { SegmentationConfusion, segmentationMetrics } from "../../metrics/segmentation.ts";
import type { PriorMaps } from "../data/inputs.ts";
import { patientSubset } from "../data/subsets.ts";
import { trainSegmenter } from "./train_segmenter.ts";
import { loadCheckpoint, saveCheckpoint } from "../../training/checkpoint.ts";
import type * as tfl from "@tensorflow/tfjs-layers";
import { readUint8, writeArray } from "../../run/artifact_store.ts";
import { loadData } from "../data/data_step.ts";
import { describeStep, pluginContext, type StepEnv } from "../env.ts";
import { epochProgress } from "../epoch_progress.ts";
import { loadMaps } from "../prior/maps.ts";
import { loadSplit, sampledPatients } from "../split/split_step.ts";
import type { SegmenterStep } from "../../plan/step.ts";

/** Metrics of one test patient (all its test slices pooled). */
export interface PatientMetrics {
  readonly patientId: string;
  readonly meanIoUWithBackground: number;
  readonly foregroundMeanDice: number;
  readonly iouPerClass: readonly number[];
}

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
  readonly testSlices: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly seconds: number;
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
  const sampled = sampledPatients(data, split, settings.sample.size, settings.seed);
  const [train, val, test] = [sampled.train, sampled.val, split.test].map((ids) =>
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
    },
    progress.onEpoch,
  ).finally(progress.finish);
  const { metrics } = outcome;
  const result: CellMetrics = {
    meanIoUWithBackground: metrics.meanIoUWithBackground,
    foregroundMeanIoU: metrics.foregroundMeanIoU,
    foregroundMeanDice: metrics.foregroundMeanDice,
    iouPerClass: metrics.iouPerClass,
    dicePerClass: metrics.dicePerClass,
    perPatient: perPatientMetrics(test.slices, outcome.predictions),
    trainPatients: sampled.train.length,
    trainSlices: train.slices.count,
    testSlices: test.slices.count,
    epochs: outcome.fit.history.length,
    bestEpoch: outcome.fit.bestEpoch,
    seconds: (performance.now() - started) / 1000,
  };
  env.log.info(
    `${step.label}: mean IoU incl. background ${result.meanIoUWithBackground.toFixed(3)}`,
  );
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await Deno.writeTextFile(join(dir, "metrics.json"), JSON.stringify(result, null, 2));
    await Deno.writeTextFile(join(dir, "history.json"), JSON.stringify(outcome.fit.history));
    await writeArray(join(dir, "predictions.u8"), outcome.predictions);
    await saveCheckpoint(outcome.model, dir);
  }).finally(() => outcome.model.dispose());
}

/** The metrics of a finished cell. */
export async function loadCellMetrics(env: StepEnv, id: string): Promise<CellMetrics> {
  return JSON.parse(await Deno.readTextFile(join(env.store.dir(id), "metrics.json")));
}

/** The trained network of a finished cell (its tfjs checkpoint); the caller disposes it. */
export function loadSegmenter(env: StepEnv, id: string): Promise<tfl.LayersModel> {
  return loadCheckpoint(env.store.dir(id));
}

/** The test-set predictions of a finished cell, aligned with the test patients' slices. */
export function loadPredictions(env: StepEnv, id: string): Promise<Uint8Array> {
  return readUint8(join(env.store.dir(id), "predictions.u8"));
}
