/**
 * The built-in backend plugins.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { cpuBackendPlugin } from "./cpu.ts";
import { tensorflowBackendPlugin } from "./tensorflow.ts";
import { wasmBackendPlugin } from "./wasm.ts";
import { webgpuBackendPlugin } from "./webgpu.ts";

/** `cpu`, `wasm`, `webgpu` and `tensorflow`, for the plugin registry. */
export const backendPlugins: readonly AnyPlugin[] = [
  cpuBackendPlugin,
  wasmBackendPlugin,
  webgpuBackendPlugin,
  tensorflowBackendPlugin,
];
