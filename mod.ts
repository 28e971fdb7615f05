/**
 * camprior: label-efficient cardiac MRI segmentation with classifier-derived priors.
 * The public API: plugin contracts and registry, experiment files, the runner, metrics.
 *
 * @module
 */
export * from "./core/plugin/plugin.ts";
export * from "./core/plugin/cohort.ts";
export { Registry } from "./core/plugin/registry.ts";
export * from "./core/util/errors.ts";
export * from "./core/config/channels.ts";
export {
  type Experiment,
  experimentJsonSchema,
  type ExperimentOverrides,
  loadExperiment,
  parseExperiment,
  type ResolvedPrior,
  type ResolvedRef,
} from "./core/config/experiment.ts";
export { experimentFileSchema, trainingSchema } from "./core/config/experiment_schema.ts";
export { runExperiment, type RunOptions, type RunSummary } from "./core/run/runner.ts";
export type { CellResult } from "./core/run/results.ts";
export * from "./core/metrics/mod.ts";
export { type CamMethod, camMethodPlugin } from "./core/xai/cam_method.ts";
export { activationsAndGradients, finalizeMaps, weightedSum } from "./core/xai/cam_base.ts";
export { type Logger, memoryLogger } from "./core/util/logger.ts";
export { type Progress, silentProgress } from "./core/util/progress.ts";
export { builtinPlugins, builtinRegistry } from "./plugins/mod.ts";
