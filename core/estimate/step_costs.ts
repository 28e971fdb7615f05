/**
 * The cost model: seconds a step should take, from the cohort's size, the step's settings
 * and the calibrated seconds per batch. Training counts every epoch (an upper bound: early
 * stopping usually ends sooner) and every search candidate; augmentation is not counted.
 *
 * @module
 */
import { SEGMENTATION_CLASSES } from "../plugin/cohort.ts";
import type {
  ClassifierStep,
  PluginSettings,
  SegmenterStep,
  SourceStep,
  Step,
} from "../plan/step.ts";
import { type ClassifierInput, inputChannelCount } from "../steps/classifier/classifier_inputs.ts";
import { type ClassifierTarget, TARGET_CLASSES } from "../steps/classifier/classifier_targets.ts";
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
  shape: { channels: number; classes: number },
  counts: CohortCounts,
  batch: number,
) {
  const base = {
    kind,
    network,
    inputShape: [counts.size, counts.size, shape.channels] as const,
    numClasses: shape.classes,
    batch,
  };
  return {
    train: { ...base, what: "train" } as NetworkProbe,
    infer: { ...base, what: "infer" } as NetworkProbe,
  };
}

/** Input channels and classes of a classifier for its input and target. */
function classifierShape(input: ClassifierInput, target: ClassifierTarget) {
  return { channels: inputChannelCount(input), classes: TARGET_CLASSES[target].length };
}

function classifierProbes(step: ClassifierStep, counts: CohortCounts) {
  const { classifier, training, input, target } = step.settings;
  const shape = classifierShape(input, target);
  return networkProbes("classifier", classifier, shape, counts, training.batchSize);
}

function segmenterProbes(step: SegmenterStep, counts: CohortCounts) {
  const { segmenter, training, channels } = step.settings;
  const shape = { channels: channels.length, classes: SEGMENTATION_CLASSES.length };
  return networkProbes("segmenter", segmenter, shape, counts, training.batchSize);
}

/** The saliency probe of a classifier-based source step; undefined for other sources. */
function camProbe(step: SourceStep, counts: CohortCounts): NetworkProbe | undefined {
  const { classifier, xai } = step.settings;
  if (!classifier || !xai) return undefined;
  const { channels, classes } = classifierShape(classifier.input, classifier.target);
  return {
    what: "xai",
    kind: "classifier",
    network: classifier.network,
    inputShape: [counts.size, counts.size, channels],
    numClasses: classes,
    batch: XAI_BATCH,
    xai,
  };
}

/** The probes a step's cost needs. */
export function probesOf(step: Step, counts: CohortCounts): Probe[] {
  switch (step.kind) {
    case "classifier":
      return Object.values(classifierProbes(step, counts));
    case "segmenter":
      return Object.values(segmenterProbes(step, counts));
    case "source": {
      const probe = camProbe(step, counts);
      return probe ? [probe] : [];
    }
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
 * `dataSeconds` says (measured when the data was prepared); split steps and sources without
 * a classifier (motion, population, constant) are counted as free.
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
      return 0;
    case "prior": {
      const perMap = lookup(probesOf(step, counts)[0]);
      return perMap === undefined ? undefined : perMap * counts.slices;
    }
    case "source": {
      const probe = camProbe(step, counts);
      if (!probe) return 0;
      const perBatch = lookup(probe);
      if (perBatch === undefined) return undefined;
      // Every slice once (out-of-fold classifiers explain their own), and for a trained
      // classifier the randomisation check (two batches' worth, with and without training).
      const check = step.settings.classifier?.trained === undefined ? 0 : 4;
      return (Math.ceil(counts.slices / XAI_BATCH) + check) * perBatch;
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
      // A semi-supervised step also trains on unlabelled rows (the strategy's stepCost).
      const perBatch = { train: train * (step.stepCost ?? 1), infer };
      return trainingSeconds(step.settings.training, slices, perBatch);
    }
  }
}
