/**
 * Runs an experiment: picks the backend, expands the step graph, has the experiment's
 * executor plugin run the unfinished steps and collects one result per grid cell. Finished
 * steps live in the artifact store and are reused by later runs; an interrupted run resumes
 * where it stopped.
 *
 * @module
 */
import { pickBackendName } from "../backend/select.ts";
import type { Experiment } from "../config/experiment.ts";
import { planSteps } from "../plan/planner.ts";
import type { StepGraph } from "../plan/step.ts";
import type { ExecutionRequest, ExecutorInstance, ExperimentSource } from "../plugin/executor.ts";
import type { Registry } from "../plugin/registry.ts";
import { writeReport, type WrittenReport } from "../report/write_report.ts";
import type { StepEnv } from "../steps/env.ts";
import { ConfigError } from "../util/errors.ts";
import { type CellResult, collectResults } from "./results.ts";
import { runContext, type SetupOptions, setUpRun, storeOf } from "./run_setup.ts";
import { runRecorded } from "./step_records.ts";
import { cachedStepEstimate } from "../estimate/plan_estimate.ts";
import { RunRecorder } from "./run_record.ts";
import { runProgressEvents } from "./run_progress.ts";
import { noStepEvents, type StepEvents } from "./step_events.ts";
import { duplicateSizes, withoutMergedSizes } from "./distinct_sizes.ts";

export { storeOf } from "./run_setup.ts";

/** How to run. */
export interface RunOptions extends SetupOptions {
  /** Stop at the first failing step instead of recording it and going on. */
  readonly failFast?: boolean;
  /** Runs the steps instead of the experiment's executor plugin (tests, embedding). */
  readonly executor?: ExecutorInstance;
  /** The experiment file, for executors that start other processes (e.g. `slurm`). */
  readonly source?: ExperimentSource;
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
  /** The written report: its `index.html` and what it says (flags, tables). */
  readonly report: WrittenReport;
}

/** The experiment's executor plugin, created with its options. */
async function createExecutor(
  experiment: Experiment,
  registry: Registry,
  options: SetupOptions,
): Promise<ExecutorInstance> {
  const { plugin, options: settings } = experiment.executor;
  return await registry.get("executor", plugin).create(
    settings,
    runContext(experiment, options),
  );
}

/** What the executor is asked to do; `env` runs the steps that run in this process. */
function executionRequest(
  graph: StepGraph,
  backend: string,
  options: RunOptions,
  env?: StepEnv,
  events: StepEvents = noStepEvents,
): ExecutionRequest {
  return {
    graph,
    store: env?.store ?? storeOf(options.outDir),
    outDir: options.outDir,
    log: options.log,
    signal: options.signal,
    failFast: options.failFast ?? false,
    backend,
    source: options.source,
    events,
    runStep: (step) => {
      if (!env) throw new ConfigError(`cannot run ${step.label}: this is a dry run`);
      return runRecorded(env, step);
    },
  };
}

/** Runs every unfinished step of the experiment; returns all cell results. */
export async function runExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<RunSummary> {
  const setup = await setUpRun(experiment, registry, options);
  const { backend, env } = setup;
  options.log.info(`backend: ${backend.name} (${backend.description})`);
  const executor = options.executor ?? await createExecutor(experiment, registry, options);
  const executorName = options.executor ? "custom" : experiment.executor.plugin;
  const recorder = new RunRecorder(
    options.outDir,
    experiment.name,
    backend.name,
    executorName,
    setup.graph,
  );
  await recorder.start();
  // Cached calibrations give an ETA before a step of each kind has finished.
  const estimate = await cachedStepEstimate(env, setup.graph).catch(() => undefined);
  const events = runProgressEvents(options.log, env.store, recorder, setup.graph.steps, estimate);
  // Sizes that repeat a larger size's patients are dropped before anything trains.
  const duplicates = await duplicateSizes(env, setup.graph, {
    runHere: executorName === "local" || executorName === "custom",
    events,
  }).catch(async (error) => {
    await recorder.end();
    throw error;
  });
  const merged = withoutMergedSizes(experiment, duplicates.merged);
  if (merged.warning) options.log.warn(merged.warning);
  if (duplicates.unchecked) {
    options.log.info(
      `${executorName}: sample sizes are checked for repeated patients once the data and ` +
        "split steps have finished (from the next run on)",
    );
  }
  const graph = merged.warning
    ? planSteps(merged.experiment, registry, backend.tfBackend)
    : setup.graph;
  let execution;
  try {
    execution = await executor.execute(
      executionRequest(graph, backend.name, options, env, events),
    );
  } finally {
    await recorder.end();
  }
  const results = await collectResults(env, graph, execution.failed);
  const report = await writeReport(env, merged.experiment, graph, results, {
    notes: merged.warning ? [merged.warning] : [],
  });
  const finished = [];
  for (const step of graph.steps) if (await env.store.has(step.id)) finished.push(step.id);
  return {
    backend: backend.tfBackend,
    backendDescription: backend.description,
    graph,
    results,
    computed: [...duplicates.computed, ...execution.computed],
    reused: execution.reused.filter((id) => !duplicates.computed.includes(id)),
    finished,
    failed: results.filter((r) => r.status === "failed"),
    reportDir: report.dir,
    report,
  };
}

/**
 * What the executor would do, doing nothing (`run --dry-run`): plans with the backend
 * `auto` would pick, without starting it.
 */
export async function dryRunExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<string> {
  const backend = await pickBackendName(experiment.backend, registry);
  const graph = planSteps(experiment, registry, backend);
  const executor = options.executor ?? await createExecutor(experiment, registry, options);
  if (!executor.dryRun) {
    throw new ConfigError(
      `--dry-run: the ${experiment.executor.plugin} executor has no dry run ` +
        `(--executor slurm prints its sbatch scripts)`,
    );
  }
  return await executor.dryRun(executionRequest(graph, backend, options));
}

/**
 * Where the steps of an output folder stand, from every executor plugin that reports on
 * the jobs it started there (`experiment status <out>`); undefined when none did.
 */
export async function executorStatus(
  outDir: string,
  registry: Registry,
): Promise<string | undefined> {
  const reports: string[] = [];
  for (const plugin of registry.list("executor")) {
    const status = (plugin as { status?: (outDir: string) => Promise<string | undefined> })
      .status;
    const text = status ? await status(outDir) : undefined;
    if (text !== undefined) reports.push(text);
  }
  return reports.length > 0 ? reports.join("\n\n") : undefined;
}
