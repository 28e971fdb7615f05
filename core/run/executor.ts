/**
 * Executors run the unfinished steps of a graph: `local` in this process (the default),
 * `slurm` as batch jobs on a cluster. The runner plans, asks an executor to run the steps,
 * then collects the results from the artifact store, whichever executor ran them.
 *
 * @module
 */
import { ConfigError } from "../util/errors.ts";
import { EXECUTOR_TYPES, type ExecutorSettings } from "./executor_schema.ts";
import { executeLocally, type ExecutionSummary } from "./execute_local.ts";
import { slurmExecutor } from "../../plugins/executor/slurm.ts";
import type { StepGraph } from "../plan/planner.ts";
import { defaultSlurmSettings } from "../../plugins/executor/slurm/settings.ts";
import type { StepEnv } from "../steps/env.ts";
import type { StepEvents } from "./step_events.ts";

/** What the runner tells an executor besides the graph. */
export interface ExecuteOptions {
  /** Stop at the first failing step. */
  readonly failFast?: boolean;
  /** Name of the backend plugin in use, so steps run elsewhere start the same backend. */
  readonly backendPlugin: string;
  /** Told about each step as it starts and ends (for progress and `run.json`). */
  readonly events?: StepEvents;
}

/** Runs the unfinished steps of a graph. */
export interface Executor {
  readonly name: string;
  /** Runs every unfinished step some unfinished cell needs; failures are recorded. */
  execute(env: StepEnv, graph: StepGraph, options: ExecuteOptions): Promise<ExecutionSummary>;
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

/** Runs the steps one after another in this process. */
export const localExecutor: Executor = {
  name: "local",
  execute: (env, graph, options) => executeLocally(env, graph, options),
};

/**
 * The settings in effect: the file's, with `--executor` replacing the type (a type the file
 * does not configure gets default settings) and `--dry-run` (slurm only) switched on.
 */
export function executorSettings(
  file: ExecutorSettings,
  flags: { readonly type?: string; readonly dryRun?: boolean } = {},
): ExecutorSettings {
  const type = flags.type ?? file.type;
  if (!(EXECUTOR_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(`unknown executor "${type}" (known: ${EXECUTOR_TYPES.join(", ")})`);
  }
  const settings: ExecutorSettings = type === file.type
    ? file
    : type === "slurm"
    ? defaultSlurmSettings()
    : { type: "local" };
  if (!flags.dryRun) return settings;
  if (settings.type !== "slurm") {
    throw new ConfigError("--dry-run prints sbatch scripts: use it with --executor slurm");
  }
  return { ...settings, dryRun: true };
}

/** The executor for the settings; `source` is needed by executors that start processes. */
export function createExecutor(settings: ExecutorSettings, source?: ExperimentSource): Executor {
  if (settings.type === "local") return localExecutor;
  if (!source) {
    throw new ConfigError(
      "the slurm executor needs the experiment file its jobs load: run it from the command " +
        "line, or pass the file to createExecutor",
    );
  }
  return slurmExecutor({ settings, source });
}
