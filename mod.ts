/**
 * camprior: label-efficient cardiac MRI segmentation with classifier-derived priors.
 * The public API: plugin contracts and registry, experiment files, the runner, metrics.
 *
 * @module
 */
export * from "./core/plugin.ts";
export * from "./core/cohort.ts";
export { Registry } from "./core/registry.ts";
export * from "./core/errors.ts";
export * from "./core/channels.ts";
export {
  type Experiment,
  experimentJsonSchema,
  type ExperimentOverrides,
  loadExperiment,
  parseExperiment,
  type ResolvedPrior,
  type ResolvedRef,
} from "./core/experiment.ts";
export { experimentFileSchema, trainingSchema } from "./core/experiment_schema.ts";
export { runExperiment, type RunOptions, type RunSummary } from "./core/runner.ts";
export type { CellResult } from "./core/results.ts";
export * from "./core/metrics/mod.ts";
export { type CamMethod, camMethodPlugin } from "./core/xai/cam_method.ts";
export { activationsAndGradients, finalizeMaps, weightedSum } from "./core/xai/cam_base.ts";
export { type Logger, memoryLogger } from "./core/logger.ts";
export { type Progress, silentProgress } from "./core/progress.ts";
export { builtinPlugins, builtinRegistry } from "./plugins/builtins.ts";
