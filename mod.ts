/**
 * camprior: label-efficient cardiac MRI segmentation with classifier-derived priors.
 *
 * This module is the plugin kit and the public API. A plugin of any kind (dataset,
 * classifier, XAI method, post-processor, segmenter, training strategy, backend,
 * executor) imports what it needs from here and nothing else of camprior; the built-in
 * plugins do the same (a test checks). The built-in plugins themselves are in `plugins/mod.ts` (`camprior/plugins`).
 *
 * ```ts
 * import { z } from "zod";
 * import { definePlugin, type Map2D } from "./mod.ts";
 *
 * export const invert = definePlugin({
 *   kind: "postprocess",
 *   name: "invert",
 *   description: "1 - map",
 *   version: "1",
 *   options: z.strictObject({}),
 *   create: () => ({
 *     apply: (map: Map2D) => ({ ...map, data: map.data.map((v) => 1 - v) }),
 *   }),
 * });
 * ```
 *
 * @module
 */

// Plugin contracts, the registry, and what every plugin kind's instances deal in.
export * from "./core/plugin/plugin.ts";
export type { BackendAvailability, BackendHooks } from "./core/plugin/backend.ts";
export type * from "./core/plugin/executor.ts";
export * from "./core/plugin/cohort.ts";
export * from "./core/plugin/cohort_summary.ts";
export { Registry } from "./core/plugin/registry.ts";
export * from "./core/util/errors.ts";
export { consoleLogger, type Logger, memoryLogger } from "./core/util/logger.ts";
export { type Progress, type ProgressTask, silentProgress } from "./core/util/progress.ts";
export { deriveSeed, normal, type Random, seededRandom, shuffled } from "./core/util/random.ts";
export { boundedNumber, formatZodIssues } from "./core/util/zod_format.ts";
export { writeTextAtomic } from "./core/util/atomic_write.ts";
export { hashOf, stableJson } from "./core/plan/hash.ts";

// Datasets: file reading, NIfTI, and image helpers for readers and generators.
export * from "./core/io/read_file.ts";
export * from "./core/io/nifti.ts";
export { resizeBilinear, resizeNearest } from "./core/steps/data/resize.ts";
export { boxBlur } from "./core/steps/data/heart_crop.ts";

// Classifiers and segmenters: seeded layers, and splitting a classifier at its CAM target.
export * from "./core/nn/layers.ts";
export { composeModel, seededInitializers } from "./core/nn/seeded_init.ts";
export { SeededDropout, type SeededDropoutArgs } from "./core/nn/seeded_dropout.ts";
export * from "./core/nn/classifier_network.ts";

// XAI methods: the shared CAM base (activations and gradients of the target layer).
export * from "./core/xai/cam_method.ts";
export {
  type ActivationsAndGradients,
  activationsAndGradients,
  type CamInputs,
  camInputs,
  finalizeMaps,
  targetOneHot,
  targetScores,
  weightedSum,
} from "./core/xai/cam_base.ts";

// Prior sources: CAMs of the pipeline's classifier at chosen layers, motion, the population map.
export { type CamMapOptions, camMapOptions, camMaps, fuseMaps } from "./core/xai/cam_maps.ts";
export {
  minMaxScale,
  type MotionPriorOptions,
  motionPriors,
} from "./core/steps/prior/motion_prior.ts";
export { populationPrior } from "./core/steps/prior/population_prior.ts";

// Backends: starting a tfjs backend safely; a fused segmentation loss for training.
export { activateBackend, explainMissingKernel } from "./core/backend/activate.ts";
export {
  type FusedSegmentationLoss,
  fusedSegmentationLossOf,
  type LossTerms,
  lossTermsOf,
  setFusedSegmentationLoss,
} from "./core/training/fused_loss.ts";

// Training strategies: the joint forward, ramp-ups, EMA teachers, pseudo-labels, losses,
// weak (geometric) and strong (photometric, CutMix) augmentations.
export type * from "./core/plugin/strategy.ts";
export {
  globalStep,
  jointForward,
  type JointOutput,
  sigmoidRampUp,
  trainableVariables,
  trainingProgress,
} from "./core/steps/segmenter/strategy.ts";
export { applySegmenter, outputRows } from "./core/steps/segmenter/segmenter_output.ts";
export {
  oneHotTargets,
  type SegmentationLoss,
  segmentationLoss,
  type SegmentationLossName,
  type SegmenterOutput,
} from "./core/training/losses.ts";
export * from "./core/training/pseudo_labels.ts";
export { copyWeights, emaRate, emaUpdate } from "./core/training/ema.ts";
export { cutMixMasks, mixIn } from "./core/training/photometric.ts";
export {
  augmentBatch,
  augmentSchema,
  type AugmentSettings,
  isGeometric,
} from "./core/training/augment.ts";
export type { StepInfo, TensorDataset } from "./core/training/fit.ts";

// Executors: the plan, the artifact store and the records steps leave.
export { type Step, STEP_KINDS, type StepGraph, type StepKind } from "./core/plan/step.ts";
export { unfinishedSteps } from "./core/plan/unfinished_steps.ts";
export { warnProblems } from "./core/run/artifact_review.ts";
export type { ArtifactStore } from "./core/run/artifact_store.ts";
export { storeOf } from "./core/run/run_setup.ts";
export { failurePath, stepLogPath } from "./core/run/step_records.ts";
export { executeInOrder } from "./core/run/execute_in_order.ts";
export { type ConcurrentOptions, executeConcurrently } from "./core/run/execute_concurrently.ts";
export { relativeWork } from "./core/run/step_work.ts";
export { POOL_PARENT_ENV } from "./core/run/step_stop.ts";
export { STEP_REPLY_PREFIX, type StepReply } from "./core/run/step_server.ts";
export { textLines } from "./core/util/text_lines.ts";
export { noStepEvents } from "./core/run/step_events.ts";

// Experiments: files, runs and their results.
export * from "./core/config/channels.ts";
export {
  type Experiment,
  type ExperimentOverrides,
  loadExperiment,
  parseExperiment,
  type ResolvedPrior,
  type ResolvedRef,
} from "./core/config/experiment.ts";
export { experimentFileSchema, trainingSchema } from "./core/config/experiment_schema.ts";
export { experimentJsonSchema } from "./core/config/json_schema.ts";
export { snapshotExperiment } from "./core/config/snapshot.ts";
export { planSteps } from "./core/plan/planner.ts";
export {
  dryRunExperiment,
  executorStatus,
  runExperiment,
  type RunOptions,
  type RunSummary,
} from "./core/run/runner.ts";
export type { CellResult } from "./core/run/results.ts";
export * from "./core/metrics/mod.ts";
