/**
 * The built-in backend plugins.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { cpuBackendPlugin } from "./backend_cpu.ts";
import { tensorflowBackendPlugin } from "./backend_tensorflow.ts";
import { wasmBackendPlugin } from "./backend_wasm.ts";
import { webgpuBackendPlugin } from "./backend_webgpu.ts";

/** `cpu`, `wasm`, `webgpu` and `tensorflow`, for the plugin registry. */
export const backendPlugins: readonly AnyPlugin[] = [
  cpuBackendPlugin,
  wasmBackendPlugin,
  webgpuBackendPlugin,
  tensorflowBackendPlugin,
];
