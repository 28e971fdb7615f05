/**
 * Starting a backend for the benchmark through its plugin, including the `wasm-stock` and
 * `webgpu-stock` variants (tfjs' own kernels where `backend/wasm/kernels.ts` or
 * `backend/webgpu/` have faster ones), so one run can compare both.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import type { BackendInstance, PluginContext } from "../core/plugin/plugin.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import {
  registerWasmTrainingKernels,
  restoreStockWasmKernels,
} from "../plugins/backend/wasm/kernels.ts";

/** The started backend: its tfjs name and a line describing it. */
export interface StartedBackend {
  readonly name: string;
  readonly tfBackend: string;
  readonly description: string;
}

/**
 * Starts backend `name` (a backend plugin, `wasm-stock` or `webgpu-stock`) and checks
 * that tfjs really switched to it.
 */
export async function startBenchBackend(name: string, ctx: PluginContext): Promise<StartedBackend> {
  const stock = name.endsWith("-stock");
  const pluginName = stock ? name.slice(0, -"-stock".length) : name;
  const plugin = backendPlugins.find((p) => p.name === pluginName);
  if (!plugin) throw new Error(`unknown backend "${name}"`);
  const options = plugin.options.parse(
    pluginName === "webgpu" ? { kernels: stock ? "stock" : "custom" } : {},
  );
  const instance = await plugin.create(options, ctx) as BackendInstance;
  if (tf.getBackend() !== instance.tfBackend) {
    throw new Error(`backend "${name}" did not become active (tfjs is on ${tf.getBackend()})`);
  }
  if (pluginName === "wasm") {
    if (stock) restoreStockWasmKernels();
    else registerWasmTrainingKernels();
  }
  if (pluginName !== "wasm") {
    return { name, tfBackend: instance.tfBackend, description: instance.description };
  }
  const kernels = stock ? "stock kernels" : "faster kernels";
  const description = `${instance.description}, ${kernels}, pool of ${getThreadsCount()} thread(s)`;
  return { name, tfBackend: instance.tfBackend, description };
}
