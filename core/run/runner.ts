/**
 * Runs an experiment: picks the backend, expands the step graph, executes the unfinished
 * steps and collects one result per grid cell. Finished steps live in the artifact store
 * and are reused by later runs; an interrupted run resumes where it stopped.
 *
 * @module
 */
import { type Executor, localExecutor } from "./executor.ts";
import type { Experiment } from "../config/experiment.ts";
import type { StepGraph } from "../plan/planner.ts";
import type { Registry } from "../plugin/registry.ts";
import { writeReport } from "../report/write_report.ts";
import { type CellResult, collectResults } from "./results.ts";
import { type SetupOptions, setUpRun } from "./run_setup.ts";
import { cachedStepEstimate } from "../estimate/plan_estimate.ts";
import { RunRecorder } from "./run_record.ts";
import { runProgressEvents } from "./run_progress.ts";

export { storeOf } from "./run_setup.ts";

/** How to run. */
export interface RunOptions extends SetupOptions {
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
  /** Ids of the steps of the graph that are finished now (computed now or before). */
  readonly finished: readonly string[];
  readonly failed: readonly CellResult[];
  /** Folder of the written report. */
  readonly reportDir: string;
}

/** Runs every unfinished step of the experiment; returns all cell results. */
export async function runExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<RunSummary> {
  const { backend, graph, env } = await setUpRun(experiment, registry, options);
  options.log.info(`backend: ${backend.name} (${backend.description})`);
  const executor = options.executor ?? localExecutor;
  const recorder = new RunRecorder(
    options.outDir,
    experiment.name,
    backend.name,
    executor.name,
    graph,
  );
  await recorder.start();
  // Cached calibrations give an ETA before a step of each kind has finished.
  const estimate = await cachedStepEstimate(env, graph).catch(() => undefined);
  let execution;
  try {
    execution = await executor.execute(env, graph, {
      failFast: options.failFast,
      backendPlugin: backend.name,
      events: runProgressEvents(options.log, env.store, recorder, graph.steps, estimate),
    });
  } finally {
    await recorder.end();
  }
  const results = await collectResults(env, graph, execution.failed);
  const reportDir = await writeReport(env, experiment, graph, results);
  const finished = [];
  for (const step of graph.steps) if (await env.store.has(step.id)) finished.push(step.id);
  return {
    backend: backend.tfBackend,
    backendDescription: backend.description,
    graph,
    results,
    computed: execution.computed,
    reused: execution.reused,
    finished,
    failed: results.filter((r) => r.status === "failed"),
    reportDir,
  };
}
