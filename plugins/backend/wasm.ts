/**
 * The `wasm` backend plugin: tfjs' WebAssembly backend (XNNPACK, SIMD when available),
 * the default without a GPU, with the kernels training needs added
 * (see `wasm_kernels.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { z } from "zod";
import { activateBackend, definePlugin } from "../../mod.ts";
import { registerWasmTrainingKernels } from "./wasm/kernels.ts";

/** Starts tfjs' wasm backend, single-threaded (threads do not start under Deno). */
export const wasmBackendPlugin = definePlugin({
  kind: "backend",
  name: "wasm",
  description: "WebAssembly on the CPU (XNNPACK, SIMD); the default without a GPU",
  version: "1",
  options: z.strictObject({}),
  /** Always here; below a hardware GPU. */
  availability: () => Promise.resolve({ available: true, priority: 10 }),
  async create() {
    registerWasmTrainingKernels();
    await activateBackend("wasm");
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    return {
      tfBackend: "wasm",
      description: `wasm (${simd ? "SIMD" : "no SIMD"}, 1 thread)`,
    };
  },
});
