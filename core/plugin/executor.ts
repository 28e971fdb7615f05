/**
 * The contract of executor plugins: run the unfinished steps of a plan (in this process,
 * in a pool of processes, as cluster jobs …), each step writing into the artifact store.
 * The runner plans, hands the graph to the executor, then collects the results from the
 * store, whichever executor ran the steps.
 *
 * @module
 */
import type { Step, StepGraph } from "../plan/step.ts";
import type { ArtifactStore } from "../run/artifact_store.ts";
import type { StepEvents } from "../run/step_events.ts";
import type { Logger } from "../util/logger.ts";

export type { StepEvents } from "../run/step_events.ts";

/** A step that failed, or was skipped because a dependency failed. */
export interface StepFailure {
  readonly id: string;
  readonly label: string;
  readonly error: string;
  /** The failed step this one waited for, when it was skipped. */
  readonly cause?: string;
}

/** What an executor did. */
export interface ExecutionSummary {
  readonly computed: readonly string[];
  readonly reused: readonly string[];
  readonly failed: ReadonlyMap<string, StepFailure>;
}

/** Where the experiment came from, so other processes can load it again. */
export interface ExperimentSource {
  /** The experiment file. */
  readonly file: string;
  /** The `--data` override, if any. */
  readonly data?: string;
  /** The `--set` overrides (the snapshot the jobs load has them applied). */
  readonly set?: readonly string[];
}

/** What the runner hands an executor. */
export interface ExecutionRequest {
  readonly graph: StepGraph;
  readonly store: ArtifactStore;
  /** The run's output folder (artifacts, logs, failure records). */
  readonly outDir: string;
  readonly log: Logger;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Stop at the first failing step. */
  readonly failFast: boolean;
  /** Name of the backend plugin in use: steps run elsewhere start the same one. */
  readonly backend: string;
  /** The experiment file, for executors that start other processes; absent when built in code. */
  readonly source?: ExperimentSource;
  /** Told about each step as it starts and ends (progress lines, `run.json`); optional to honour. */
  readonly events: StepEvents;
  /**
   * Runs one step (its dependencies finished) in this process, with its own log file
   * (`<out>/logs/<id>.log`); a failure is recorded in `<out>/failures/<id>.json` and thrown.
   */
  runStep(step: Step): Promise<void>;
}

/** Runs the unfinished steps of a graph. */
export interface ExecutorInstance {
  /** Runs every unfinished step some unfinished cell needs; failures are recorded. */
  execute(request: ExecutionRequest): Promise<ExecutionSummary>;
  /** What `execute` would do, doing nothing (`run --dry-run`); absent: no dry run. */
  dryRun?(request: ExecutionRequest): Promise<string>;
}

/** What an executor plugin may have besides the common plugin members. */
export interface ExecutorHooks {
  /**
   * Where the steps this executor started in `outDir` stand (`experiment status <out>`),
   * or undefined when it started none there.
   */
  readonly status?: (outDir: string) => Promise<string | undefined>;
}
