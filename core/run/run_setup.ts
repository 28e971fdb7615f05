/**
 * What every way of running an experiment starts with: start the backend, expand the step
 * graph, and build the environment steps run in.
 *
 * @module
 */
import { join } from "node:path";
import { resolveBackend, type ResolvedBackend } from "../backend/select.ts";
import type { Experiment } from "../config/experiment.ts";
import type { Logger } from "../util/logger.ts";
import { planSteps } from "../plan/planner.ts";
import type { StepGraph } from "../plan/step.ts";
import type { Progress } from "../util/progress.ts";
import type { PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import type { StepEnv } from "../steps/env.ts";
import { ArtifactStore } from "./artifact_store.ts";

/** Where a run writes and how it reports. */
export interface SetupOptions {
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly progress: Progress;
}

/** A started backend, the step graph and the step environment. */
export interface RunSetup {
  readonly backend: ResolvedBackend;
  readonly graph: StepGraph;
  readonly env: StepEnv;
}

/** The artifact store of an output folder. */
export function storeOf(outDir: string): ArtifactStore {
  return new ArtifactStore(join(outDir, "artifacts"));
}

/** The plugin context of run-wide plugins (backend, executor). */
export function runContext(experiment: Experiment, options: SetupOptions): PluginContext {
  return {
    seed: experiment.seeds[0],
    workDir: join(options.outDir, "work"),
    log: options.log,
    signal: options.signal,
  };
}

/** Starts the experiment's backend and plans its steps. */
export async function setUpRun(
  experiment: Experiment,
  registry: Registry,
  options: SetupOptions,
): Promise<RunSetup> {
  const context = runContext(experiment, options);
  const backend = await resolveBackend(experiment.backend, registry, context);
  const graph = planSteps(experiment, registry, backend.name);
  const env: StepEnv = {
    registry,
    store: storeOf(options.outDir),
    outDir: options.outDir,
    backend: backend.tfBackend,
    signal: options.signal,
    log: options.log,
    progress: options.progress,
    memo: new Map(),
  };
  return { backend, graph, env };
}
