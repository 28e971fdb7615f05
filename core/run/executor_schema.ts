/**
 * The `executor` field of experiment files: where the steps run. `local` (default) runs
 * them in this process; `slurm` submits them to a Slurm cluster as batch jobs.
 *
 * @module
 */
import { z } from "zod";
import { slurmSettingsSchema } from "../../plugins/executor/slurm/settings.ts";

/** Settings of the local executor (none yet). */
export const localSettingsSchema = z.strictObject({
  type: z.literal("local").describe("local: run the steps one by one in this process"),
});

/** `{ type: "local" }` or `{ type: "slurm", … }`. */
export const executorSchema = z.discriminatedUnion("type", [
  localSettingsSchema,
  slurmSettingsSchema,
]);

/** Executor settings with defaults filled. */
export type ExecutorSettings = z.output<typeof executorSchema>;

/** The names of the executors. */
export const EXECUTOR_TYPES = ["local", "slurm"] as const;
