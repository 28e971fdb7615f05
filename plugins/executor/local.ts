/**
 * The `local` executor plugin (the default): runs the unfinished steps on this machine.
 * With one job, one after another in this process; with more (`--jobs N`, default: the
 * cores, as far as memory allows), independent steps at once in a pool of worker processes,
 * each running steps as a Slurm task does (`experiment step --serve`, one after another,
 * staying warm for the next), writing into the same artifact store. A step starts when the
 * steps it needs are finished; Ctrl-C stops every worker, keeping the finished steps.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import {
  boundedNumber,
  ConfigError,
  definePlugin,
  executeConcurrently,
  executeInOrder,
  type ExecutionRequest,
  type ExecutionSummary,
  relativeWork,
  snapshotExperiment,
} from "../../mod.ts";
import { type PoolSettings, poolSize } from "./local/pool_size.ts";
import { workerPool } from "./local/worker.ts";

const optionsSchema = z.strictObject({
  jobs: z.union([boundedNumber(1, 1024, true), z.literal("auto")]).default("auto").describe(
    "steps run at once, each in its own worker process (`--jobs`); auto: the cores, fewer " +
      "when the free memory does not hold that many jobs of memoryPerJob; 1: one after " +
      "another in this process",
  ),
  memoryPerJob: boundedNumber(64, 1024 * 1024).default(2048).describe(
    "MiB of memory one job may need, for jobs auto (a 128² U-Net cell peaked at 765 MiB); " +
      "a worker holding more than this after a step is replaced by a fresh one",
  ),
});

/** Runs the steps on this machine, one at a time or in a pool of processes. */
export const localExecutorPlugin = definePlugin({
  kind: "executor",
  name: "local",
  description: "runs the steps on this machine: independent steps in parallel worker " +
    "processes (--jobs, default: the cores), or one after another in this process (--jobs 1)",
  version: "1",
  options: optionsSchema,
  create: (settings) => ({ execute: (request) => executeLocally(request, settings) }),
});

async function executeLocally(
  request: ExecutionRequest,
  settings: PoolSettings,
): Promise<ExecutionSummary> {
  const { jobs, why } = poolSize(settings);
  if (jobs === 1) return await executeInOrder(request);
  const source = request.source;
  if (!source) {
    if (settings.jobs === "auto") return await executeInOrder(request);
    throw new ConfigError(
      `executor.jobs ${jobs}: pool workers load the experiment file, and this run has none ` +
        `(built in code): pass \`source\` to runExperiment, or use jobs 1`,
    );
  }
  const experiment = join(request.outDir, "work", "pool", "experiment.json");
  await snapshotExperiment(source.file, experiment, source.set);
  request.log.info(`local executor: up to ${jobs} steps at once in worker processes (${why})`);
  const { outDir, backend, store, log } = request;
  const setup = { experiment, outDir, backend, data: source.data, store, log };
  const pool = workerPool(setup, settings.memoryPerJob);
  try {
    return await executeConcurrently(request, {
      slots: jobs,
      launch: (step, stop) => pool.run(step, stop),
      priority: relativeWork,
    });
  } finally {
    await pool.close();
  }
}
