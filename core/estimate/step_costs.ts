/**
 * The cost model: seconds a step should take, from the cohort's size, the step's settings
 * and the calibrated seconds per batch. Training counts every epoch (an upper bound: early
 * stopping usually ends sooner) and every search candidate; augmentation is not counted.
 *
 * @module
 */
import { DIAGNOSES, SEGMENTATION_CLASSES } from "../plugin/cohort.ts";
import type { CamStep, ClassifierStep, PluginSettings, SegmenterStep, Step } from "../plan/step.ts";
import type { TrainingSettings } from "../training/settings.ts";
import { type NetworkProbe, type Probe, XAI_BATCH } from "./calibration.ts";

/** Seconds per batch of a probe, when known. */
export type Lookup = (probe: Probe) => number | undefined;

/** Patients and slices of the cohort and how the split divides the patients. */
export interface CohortCounts {
  readonly patients: number;
  readonly slices: number;
  /** Input side in pixels. */
  readonly size: number;
  /** Patients per set. */
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/** Slices of `patients` patients, at the cohort's mean slices per patient. */
function slicesOf(counts: CohortCounts, patients: number): number {
  return Math.round(patients * counts.slices / Math.max(counts.patients, 1));
}

/** Patients a sample size keeps of `n` (at least one). */
function sampled(n: number, percent: number | undefined): number {
  return percent === undefined ? n : Math.max(1, Math.round(n * percent / 100));
}

function candidates(training: TrainingSettings): number {
  return (training.search?.dropout?.length ?? 1) * (training.search?.learningRate?.length ?? 1);
}

function networkProbes(
  kind: "classifier" | "segmenter",
  network: PluginSettings,
  channels: number,
  counts: CohortCounts,
  batch: number,
) {
  const base = {
    kind,
    network,
    inputShape: [counts.size, counts.size, channels] as const,
    numClasses: kind === "classifier" ? DIAGNOSES.length : SEGMENTATION_CLASSES.length,
    batch,
  };
  return {
    train: { ...base, what: "train" } as NetworkProbe,
    infer: { ...base, what: "infer" } as NetworkProbe,
  };
}

function classifierProbes(step: ClassifierStep, counts: CohortCounts) {
  const { classifier, training } = step.settings;
  return networkProbes("classifier", classifier, 1, counts, training.batchSize);
}

function segmenterProbes(step: SegmenterStep, counts: CohortCounts) {
  const { segmenter, training, channels } = step.settings;
  return networkProbes("segmenter", segmenter, channels.length, counts, training.batchSize);
}

function camProbe(step: CamStep, counts: CohortCounts): NetworkProbe {
  return {
    what: "xai",
    kind: "classifier",
    network: step.settings.network,
    inputShape: [counts.size, counts.size, 1],
    numClasses: DIAGNOSES.length,
    batch: XAI_BATCH,
    xai: step.settings.xai,
  };
}

/** The probes a step's cost needs. */
export function probesOf(step: Step, counts: CohortCounts): Probe[] {
  switch (step.kind) {
    case "classifier":
      return Object.values(classifierProbes(step, counts));
    case "segmenter":
      return Object.values(segmenterProbes(step, counts));
    case "cam":
      return [camProbe(step, counts)];
    case "prior":
      return [{ what: "postprocess", chain: step.settings.chain, size: counts.size }];
    default:
      return [];
  }
}

/** Seconds of a training run: every epoch, every candidate, then the test predictions. */
function trainingSeconds(
  training: TrainingSettings,
  slices: { train: number; val: number; test: number },
  perBatch: { train: number; infer: number },
): number {
  const b = training.batchSize;
  const epoch = Math.ceil(slices.train / b) * perBatch.train +
    Math.ceil(slices.val / b) * perBatch.infer;
  return candidates(training) * training.epochs * epoch +
    Math.ceil(slices.test / b) * perBatch.infer;
}

/**
 * Expected seconds of `step` (undefined when a timing is missing). Data steps cost what
 * `dataSeconds` says (measured when the data was prepared); split and population steps
 * are counted as free.
 */
export function stepSeconds(
  step: Step,
  counts: CohortCounts,
  lookup: Lookup,
  dataSeconds?: number,
): number | undefined {
  const test = slicesOf(counts, counts.test);
  switch (step.kind) {
    case "data":
      return dataSeconds;
    case "split":
    case "population":
      return 0;
    case "prior": {
      const perMap = lookup(probesOf(step, counts)[0]);
      return perMap === undefined ? undefined : perMap * counts.slices;
    }
    case "cam": {
      const perBatch = lookup(camProbe(step, counts));
      if (perBatch === undefined) return undefined;
      const outOfFold = step.settings.outOfFold
        ? slicesOf(counts, sampled(counts.train, step.settings.outOfFold.sample?.size))
        : 0;
      // Every slice, the out-of-fold training slices again, and the randomisation check.
      const batches = Math.ceil(counts.slices / XAI_BATCH) + Math.ceil(outOfFold / XAI_BATCH) + 4;
      return batches * perBatch;
    }
    case "classifier": {
      const probes = classifierProbes(step, counts);
      const [train, infer] = [lookup(probes.train), lookup(probes.infer)];
      if (train === undefined || infer === undefined) return undefined;
      const { sample, fold, training } = step.settings;
      const kept = fold ? (fold.folds - 1) / fold.folds : 1;
      const slices = {
        train: slicesOf(counts, sampled(counts.train, sample?.size) * kept),
        val: slicesOf(counts, sampled(counts.val, sample?.size)),
        test,
      };
      return trainingSeconds(training, slices, { train, infer });
    }
    case "segmenter": {
      const probes = segmenterProbes(step, counts);
      const [train, infer] = [lookup(probes.train), lookup(probes.infer)];
      if (train === undefined || infer === undefined) return undefined;
      const size = step.settings.sample.size;
      const slices = {
        train: slicesOf(counts, sampled(counts.train, size)),
        val: slicesOf(counts, sampled(counts.val, size)),
        test,
      };
      return trainingSeconds(step.settings.training, slices, { train, infer });
    }
  }
}
