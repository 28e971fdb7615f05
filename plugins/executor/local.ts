/**
 * The `local` executor plugin: runs the unfinished steps one after another in this
 * process (the default).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, executeInOrder } from "../../mod.ts";

/** Runs the steps in graph order in this process; a failure skips only its dependents. */
export const localExecutorPlugin = definePlugin({
  kind: "executor",
  name: "local",
  description: "runs the steps one after another in this process (default)",
  version: "1",
  options: z.strictObject({}),
  create: () => ({ execute: executeInOrder }),
});
