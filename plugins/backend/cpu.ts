/**
 * The `cpu` backend plugin: tfjs' pure-JavaScript backend, the numerical reference
 * every other backend is tested against. Complete but slow.
 *
 * @module
 */
import "@tensorflow/tfjs-backend-cpu";
import { z } from "zod";
import { activateBackend, definePlugin } from "../../mod.ts";

/** Starts tfjs' pure-JavaScript `cpu` backend. */
export const cpuBackendPlugin = definePlugin({
  kind: "backend",
  name: "cpu",
  description: "pure JavaScript on the CPU; the slow numerical reference",
  version: "1",
  options: z.strictObject({}),
  /** Always here, but `auto` prefers any other backend. */
  availability: () => Promise.resolve({ available: true, priority: 0 }),
  async create() {
    await activateBackend("cpu");
    return { tfBackend: "cpu", description: "cpu (pure JavaScript reference)" };
  },
});
