/**
 * The built-in executor plugins: `local` (in this process) and `slurm` (cluster jobs).
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { localExecutorPlugin } from "./local.ts";
import { slurmExecutorPlugin } from "./slurm.ts";

/** `local` and `slurm`, for the plugin registry. */
export const executorPlugins: readonly AnyPlugin[] = [localExecutorPlugin, slurmExecutorPlugin];
