/**
 * Reads what the report needs from the artifact store besides the cell results: each
 * cell's per-volume records (`volumes.json`), the training histories of segmenter and
 * classifier steps, and the classifiers' test predictions. Artifacts written before a file
 * existed simply lack it; the report then says so instead of failing.
 *
 * @module
 */
import { join } from "node:path";
import { DIAGNOSES } from "../plugin/cohort.ts";
import {
  type ClassifierEvaluation,
  evaluateClassifier,
  type SlicePrediction,
} from "../metrics/classifier_evaluation.ts";
import type { VolumeRecord } from "../metrics/volume_evaluation.ts";
import type { StepGraph } from "../plan/step.ts";
import type { CellResult } from "../run/results.ts";
import type { StepEnv } from "../steps/env.ts";
import { VOLUMES_FILE } from "../steps/segmenter/segmenter_step.ts";
import { CLASSIFIER_PREDICTIONS_FILE } from "../steps/classifier/classifier_step.ts";
import type { ClassifierRow } from "./sanity_flags.ts";
import type { TrainingCurve } from "./training_curves.ts";

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Every finished cell with its volume records (empty for artifacts without them). */
export async function loadCellVolumes(
  env: StepEnv,
  results: readonly CellResult[],
): Promise<{ result: CellResult; volumes: VolumeRecord[] }[]> {
  const done = results.filter((r) => r.status === "done");
  return await Promise.all(done.map(async (result) => ({
    result,
    volumes: await readJson<VolumeRecord[]>(join(env.store.dir(result.id), VOLUMES_FILE)) ?? [],
  })));
}

interface ClassifierTraining {
  readonly fit?: {
    readonly history: TrainingCurve["history"];
    readonly bestEpoch: number;
  };
}

/** Training curves of the finished classifier and segmenter steps, classifiers first. */
export async function loadTrainingCurves(
  env: StepEnv,
  graph: StepGraph,
  results: readonly CellResult[],
  cellLabel: (r: CellResult) => string,
): Promise<TrainingCurve[]> {
  const classifiers = graph.steps.filter((s) => s.kind === "classifier");
  const curves: TrainingCurve[] = [];
  for (const step of classifiers) {
    if (!await env.store.has(step.id)) continue;
    const training = await readJson<ClassifierTraining>(
      join(env.store.dir(step.id), "training.json"),
    );
    if (training?.fit) curves.push({ step: step.label, ...training.fit });
  }
  for (const r of results.filter((r) => r.status === "done")) {
    const history = await readJson<TrainingCurve["history"]>(
      join(env.store.dir(r.id), "history.json"),
    );
    if (history) curves.push({ step: cellLabel(r), history, bestEpoch: r.bestEpoch ?? 0 });
  }
  return curves;
}

/** Evaluations of the classifier steps that priors come from (not the fold classifiers). */
export async function loadClassifierRows(
  env: StepEnv,
  graph: StepGraph,
): Promise<ClassifierRow[]> {
  const steps = graph.steps.filter((s) => s.kind === "classifier" && s.settings.fold === undefined);
  const rows: ClassifierRow[] = [];
  for (const step of steps) {
    if (!await env.store.has(step.id)) continue;
    const predictions = await readJson<SlicePrediction[]>(
      join(env.store.dir(step.id), CLASSIFIER_PREDICTIONS_FILE),
    );
    const evaluation: ClassifierEvaluation | undefined = predictions && predictions.length > 0
      ? evaluateClassifier(predictions, DIAGNOSES.length)
      : undefined;
    rows.push({ label: step.label, evaluation });
  }
  return rows;
}
