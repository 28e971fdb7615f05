/**
 * Runs an experiment: picks the backend, expands the step graph, has the experiment's
 * executor plugin run the unfinished steps and collects one result per grid cell. Finished
 * steps live in the artifact store and are reused by later runs (once verified); an
 * interrupted run resumes where it stopped. One run at a time per output folder: the run
 * holds `<out>/run.lock`.
 *
 * @module
 */
import { pickBackendName } from "../backend/select.ts";
import { afterSharedSteps, executeRest, runSharedSteps } from "./execute_phases.ts";
import type { Experiment } from "../config/experiment.ts";
import { planSteps } from "../plan/planner.ts";
import type { StepGraph } from "../plan/step.ts";
import type {
  ExecutionRequest,
  ExecutorInstance,
  ExperimentSource,
  StepFailure,
} from "../plugin/executor.ts";
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
import { acquireLock } from "./lock.ts";
import { probeWritable } from "../util/fs_errors.ts";
import { noStepEvents, type StepEvents } from "./step_events.ts";
import { duplicateSizes, withoutMergedSizes } from "./distinct_sizes.ts";

export { storeOf };

/** How to run. */
export interface RunOptions extends SetupOptions {
  /** Stop at the first failing step instead of recording it and going on. */
  readonly failFast?: boolean;
  /** Runs the steps instead of the experiment's executor plugin (tests, embedding). */
  readonly executor?: ExecutorInstance;
  /** The experiment file, for executors that start other processes (e.g. `slurm`). */
  readonly source?: ExperimentSource;
  /** When another run holds the output folder: wait for it (default: fail naming it). */
  readonly waitForLock?: boolean;
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
  /** The steps that failed themselves (not those skipped because a dependency failed). */
  readonly failedSteps: readonly StepFailure[];
  /** Folder of the written report; none when no cell finished. */
  readonly reportDir?: string;
  /** The written report: its `index.html` and what it says (flags, tables); none when no cell finished. */
  readonly report?: WrittenReport;
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

/**
 * Runs every unfinished step of the experiment; returns all cell results. Holds the output
 * folder's lock throughout and checks the folder is writable before the first step.
 */
export async function runExperiment(
  experiment: Experiment,
  registry: Registry,
  options: RunOptions,
): Promise<RunSummary> {
  await probeWritable(options.outDir);
  const lock = await acquireLock(options.outDir, {
    wait: options.waitForLock,
    note: (message) => options.log.warn(message),
    command: `experiment run ${experiment.name}`,
    signal: options.signal,
  });
  try {
    const leftovers = await storeOf(options.outDir).removeLeftovers();
    if (leftovers.length > 0) {
      options.log.info(`removed ${leftovers.length} unfinished artifact folders of killed runs`);
    }
    return await runLocked(experiment, registry, options);
  } finally {
    await lock.release();
  }
}

async function runLocked(
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
  const request = (graph: StepGraph) => executionRequest(graph, backend.name, options, env, events);
  let graph = setup.graph;
  let merged: { experiment: Experiment; warning?: string } = { experiment };
  let execution;
  try {
    const shared = await runSharedSteps(env, request(graph));
    if (shared.failed.size > 0) execution = shared;
    else {
      // Sizes that repeat a larger size's patients are dropped before anything trains.
      const duplicates = await duplicateSizes(env, graph, { runHere: true, events });
      merged = withoutMergedSizes(experiment, duplicates.merged);
      if (merged.warning) {
        options.log.warn(merged.warning);
        graph = planSteps(merged.experiment, registry, backend.tfBackend);
      }
      execution = await executeRest(request(graph), executor, shared, !!merged.warning);
    }
  } finally {
    await recorder.end();
  }
  const results = await collectResults(env, graph, execution.failed);
  const anyDone = results.some((r) => r.status === "done");
  const report = anyDone
    ? await writeReport(env, merged.experiment, graph, results, {
      notes: merged.warning ? [merged.warning] : [],
    })
    : undefined;
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
    failedSteps: [...execution.failed.values()].filter((f) => f.cause === undefined),
    ...(report ? { reportDir: report.dir, report } : {}),
  };
}

/**
 * What the executor would do, doing nothing (`run --dry-run`): plans with the backend
 * `auto` would pick, without starting it. The data and split steps, which the run does
 * itself before the executor starts, are left out.
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
  return await executor.dryRun(executionRequest(afterSharedSteps(graph), backend, options));
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
