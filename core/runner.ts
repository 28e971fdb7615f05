/**
 * Runs an experiment grid: load and preprocess the cohort, then per seed split patients,
 * train the classifier, compute priors and train one segmenter per grid cell. Finished
 * cells are stored as they finish and reused by later runs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { resolveBackend } from "./backend_select.ts";
import { type Cell, cellLabel, planCells } from "./cells.ts";
import { type CellResult, CellStore } from "./cell_store.ts";
import { priorsOf } from "./channels.ts";
import type { Cohort } from "./cohort.ts";
import type { PreparedSlices } from "./data/prepared.ts";
import { preprocessSlices } from "./data/preprocess.ts";
import { type PatientSplit, sampleSubset, splitPatients } from "./data/split.ts";
import { CampriorError, ConfigError, InterruptedError } from "./errors.ts";
import type { Experiment } from "./experiment.ts";
import type { Logger } from "./logger.ts";
import { computePriors } from "./pipeline/compute_priors.ts";
import type { PriorMaps } from "./pipeline/inputs.ts";
import { patientSubset } from "./pipeline/subsets.ts";
import { trainClassifier } from "./pipeline/train_classifier.ts";
import { trainSegmenter } from "./pipeline/train_segmenter.ts";
import type { PluginContext } from "./plugin.ts";
import type { Progress } from "./progress.ts";
import type { Registry } from "./registry.ts";
import type { EpochReport } from "./training/fit.ts";

/** How to run. */
export interface RunOptions {
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly progress: Progress;
  /** Stop at the first failing cell instead of recording it and going on. */
  readonly failFast?: boolean;
}

/** What a run produced: every cell's result, in grid order. */
export interface RunSummary {
  readonly backend: string;
  readonly backendDescription: string;
  readonly results: readonly CellResult[];
  readonly computed: number;
  readonly reused: number;
  readonly failed: readonly CellResult[];
}

/** Data shared by all cells of one run. */
interface RunState {
  readonly experiment: Experiment;
  readonly registry: Registry;
  readonly options: RunOptions;
  readonly backend: string;
  readonly cohort: Cohort;
  readonly prepared: PreparedSlices;
  readonly store: CellStore;
}

/** Runs every cell that has no stored result; returns all results. */
export async function runExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<RunSummary> {
  const context = contextFor(options, experiment.seeds[0]);
  const backend = await resolveBackend(experiment.backend, registry, context);
  options.log.info(`backend: ${backend.name} (${backend.description})`);
  const cells = planCells(experiment, backend.tfBackend);
  const store = new CellStore(options.outDir);
  const stored = await Promise.all(cells.map((cell) => store.get(cell)));
  const pending = cells.filter((_, i) => stored[i] === undefined);
  options.log.info(
    `${cells.length} cells: ${cells.length - pending.length} reused, ${pending.length} to compute`,
  );
  const fresh = new Map<string, CellResult>();
  if (pending.length > 0) {
    const dataset = experiment.dataset;
    const loader = await registry.get("dataset", dataset.plugin).create(dataset.options, context);
    const cohort = await loader.load();
    const prepared = preprocessSlices(cohort.slices, experiment.preprocess);
    options.log.info(`dataset ${dataset.plugin}: ${cohort.patients.length} patients, ` +
      `${prepared.count} slices at ${prepared.size}×${prepared.size}`);
    const state = { experiment, registry, options, backend: backend.tfBackend, cohort, prepared, store };
    for (const seed of experiment.seeds) {
      const seedCells = pending.filter((cell) => cell.seed === seed);
      if (seedCells.length > 0) {
        for (const result of await runSeed(state, seed, seedCells)) fresh.set(result.key, result);
      }
    }
  }
  const results = cells.map((cell, i) => stored[i] ?? fresh.get(cell.key)!);
  return {
    backend: backend.tfBackend,
    backendDescription: backend.description,
    results,
    computed: pending.length,
    reused: cells.length - pending.length,
    failed: results.filter((r) => r.status === "failed"),
  };
}

function contextFor(options: RunOptions, seed: number): PluginContext {
  return { seed, workDir: join(options.outDir, "work"), log: options.log, signal: options.signal };
}

function splitFor(state: RunState, seed: number): PatientSplit {
  const { experiment, cohort } = state;
  if (experiment.split.mode === "predefined") {
    if (!cohort.predefinedSplit) {
      throw new ConfigError(
        `split.mode is "predefined" but dataset ${experiment.dataset.plugin} defines no split`,
      );
    }
    return cohort.predefinedSplit;
  }
  return splitPatients(cohort.patients, experiment.split, seed);
}

function patientsIn(cohort: Cohort, ids: readonly string[]) {
  const wanted = new Set(ids);
  return cohort.patients.filter((p) => wanted.has(p.id));
}

/** Patients with segmentation labels at a sample size (train and validation shrink alike). */
function sampledPatients(state: RunState, split: PatientSplit, size: number, seed: number) {
  return {
    train: sampleSubset(patientsIn(state.cohort, split.train), size, seed),
    val: sampleSubset(patientsIn(state.cohort, split.val), size, seed),
  };
}

function epochReporter(state: RunState, label: string, epochs: number) {
  const task = state.options.progress.start(label, epochs);
  const onEpoch = (r: EpochReport) =>
    task.update(
      r.epoch,
      `loss ${r.loss.toFixed(4)}${r.valLoss === undefined ? "" : ` val ${r.valLoss.toFixed(4)}`}`,
    );
  return { onEpoch, finish: () => task.finish() };
}

/** Trains a classifier on the given patients and computes the priors for all slices. */
async function priorsFrom(
  state: RunState,
  seed: number,
  patients: { train: readonly string[]; val: readonly string[] },
  priorNames: readonly string[],
): Promise<PriorMaps> {
  const { experiment, registry, prepared } = state;
  const context = contextFor(state.options, seed);
  const train = patientSubset(prepared, new Map(), patients.train).slices;
  const val = patientSubset(prepared, new Map(), patients.val).slices;
  const reporter = epochReporter(
    state,
    `classifier seed ${seed}`,
    experiment.classifier.training.epochs,
  );
  const trained = await trainClassifier(experiment, registry, context, train, val, reporter.onEpoch)
    .finally(reporter.finish);
  try {
    const priors = priorNames.map((name) => experiment.priors[name]);
    return await computePriors(priors, registry, context, trained.network, prepared);
  } finally {
    trained.network.model.dispose();
  }
}

async function runSeed(state: RunState, seed: number, cells: readonly Cell[]) {
  const split = splitFor(state, seed);
  const priorNames = [...new Set(cells.flatMap((cell) => priorsOf(cell.recipe)))];
  const priorCache = new Map<string, PriorMaps>();
  const priorsForSize = async (size: number): Promise<PriorMaps> => {
    if (priorNames.length === 0) return new Map();
    const sampled = state.experiment.classifier.trainOn === "sample";
    const key = sampled ? String(size) : "all";
    if (!priorCache.has(key)) {
      const patients = sampled ? sampledPatients(state, split, size, seed) : split;
      priorCache.set(key, await priorsFrom(state, seed, patients, priorNames));
    }
    return priorCache.get(key)!;
  };
  const results: CellResult[] = [];
  for (const cell of cells) {
    const priors = await priorsForSize(cell.sampleSize);
    results.push(await runCellSafely(state, cell, split, priors));
  }
  return results;
}

async function runCellSafely(
  state: RunState,
  cell: Cell,
  split: PatientSplit,
  priors: PriorMaps,
): Promise<CellResult> {
  try {
    return await runCell(state, cell, split, priors);
  } catch (error) {
    if (error instanceof InterruptedError || state.options.failFast) throw error;
    const message = error instanceof CampriorError
      ? error.message
      : `${(error as Error).name}: ${(error as Error).message}`;
    state.options.log.warn(`cell ${cellLabel(cell)} failed: ${message}`);
    const result = { ...identity(state, cell), status: "failed" as const, error: message };
    await state.store.put(result);
    return result;
  }
}

function identity(state: RunState, cell: Cell) {
  return {
    key: cell.key,
    recipe: cell.recipe.name,
    channels: cell.recipe.channels,
    sampleSize: cell.sampleSize,
    seed: cell.seed,
    backend: state.backend,
  };
}

async function runCell(
  state: RunState,
  cell: Cell,
  split: PatientSplit,
  priors: PriorMaps,
): Promise<CellResult> {
  const started = performance.now();
  const sampled = sampledPatients(state, split, cell.sampleSize, cell.seed);
  const train = patientSubset(state.prepared, priors, sampled.train);
  const val = patientSubset(state.prepared, priors, sampled.val);
  const test = patientSubset(state.prepared, priors, split.test);
  const reporter = epochReporter(
    state,
    `segmenter ${cellLabel(cell)}`,
    state.experiment.segmenter.training.epochs,
  );
  const outcome = await trainSegmenter(
    state.experiment,
    state.registry,
    contextFor(state.options, cell.seed),
    cell.recipe.channels,
    {
      train: train.slices,
      val: val.slices,
      test: test.slices,
      trainPriors: train.priors,
      valPriors: val.priors,
      testPriors: test.priors,
    },
    reporter.onEpoch,
  ).finally(reporter.finish);
  const { metrics } = outcome;
  const result: CellResult = {
    ...identity(state, cell),
    status: "done",
    meanIoUWithBackground: metrics.meanIoUWithBackground,
    foregroundMeanIoU: metrics.foregroundMeanIoU,
    foregroundMeanDice: metrics.foregroundMeanDice,
    iouPerClass: metrics.iouPerClass,
    dicePerClass: metrics.dicePerClass,
    trainPatients: sampled.train.length,
    testSlices: test.slices.count,
    epochs: outcome.fit.history.length,
    bestEpoch: outcome.fit.bestEpoch,
    seconds: (performance.now() - started) / 1000,
  };
  await state.store.put(result);
  state.options.log.info(
    `${cellLabel(cell)}: mean IoU (incl. background) ${result.meanIoUWithBackground!.toFixed(3)}` +
      ` [${tf.memory().numTensors} tensors live]`,
  );
  return result;
}
