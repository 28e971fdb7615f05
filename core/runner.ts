/**
 * Runs an experiment: picks the backend, expands the step graph, executes the unfinished
 * steps and collects one result per grid cell. Finished steps live in the artifact store
 * and are reused by later runs; an interrupted run resumes where it stopped.
 *
 * @module
 */
import { join } from "node:path";
import { resolveBackend } from "./backend_select.ts";
import { type Executor, localExecutor } from "./executor.ts";
import type { Experiment } from "./experiment.ts";
import type { Logger } from "./logger.ts";
import { planSteps, type StepGraph } from "./planner.ts";
import type { Progress } from "./progress.ts";
import type { Registry } from "./registry.ts";
import { writeReport } from "./report/write_report.ts";
import { type CellResult, collectResults } from "./results.ts";
import type { StepEnv } from "./steps/env.ts";
import { ArtifactStore } from "./store/artifact_store.ts";

/** How to run. */
export interface RunOptions {
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly progress: Progress;
  /** Stop at the first failing step instead of recording it and going on. */
  readonly failFast?: boolean;
  /** Runs the steps (default: the local executor, in this process). */
  readonly executor?: Executor;
}

/** What a run produced: every cell's result, in grid order. */
export interface RunSummary {
  readonly backend: string;
  readonly backendDescription: string;
  readonly graph: StepGraph;
  readonly results: readonly CellResult[];
  /** Ids of the steps computed by this run. */
  readonly computed: readonly string[];
  /** Ids of the finished steps this run reused. */
  readonly reused: readonly string[];
  readonly failed: readonly CellResult[];
  /** Folder of the written report. */
  readonly reportDir: string;
}

/** The artifact store of an output folder. */
export function storeOf(outDir: string): ArtifactStore {
  return new ArtifactStore(join(outDir, "artifacts"));
}

/** Runs every unfinished step of the experiment; returns all cell results. */
export async function runExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<RunSummary> {
  const context = {
    seed: experiment.seeds[0],
    workDir: join(options.outDir, "work"),
    log: options.log,
    signal: options.signal,
  };
  const backend = await resolveBackend(experiment.backend, registry, context);
  options.log.info(`backend: ${backend.name} (${backend.description})`);
  const graph = planSteps(experiment, registry, backend.tfBackend);
  const env: StepEnv = {
    experiment,
    registry,
    store: storeOf(options.outDir),
    outDir: options.outDir,
    backend: backend.tfBackend,
    signal: options.signal,
    log: options.log,
    progress: options.progress,
    memo: new Map(),
  };
  const execution = await (options.executor ?? localExecutor).execute(env, graph, {
    failFast: options.failFast,
    backendPlugin: backend.name,
  });
  const results = await collectResults(env, graph, execution.failed);
  const reportDir = await writeReport(env, graph, results);
  return {
    backend: backend.tfBackend,
    backendDescription: backend.description,
    graph,
    results,
    computed: execution.computed,
    reused: execution.reused,
    failed: results.filter((r) => r.status === "failed"),
    reportDir,
  };
}
