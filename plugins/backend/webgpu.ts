/**
 * The `webgpu` backend plugin: tfjs' WebGPU backend on Deno's built-in `navigator.gpu`
 * (a hardware GPU, or Mesa's llvmpipe software adapter on machines without one).
 *
 * @module
 */
import "@tensorflow/tfjs-backend-webgpu";
import { z } from "zod";
import {
  type AdapterFinder,
  findWebGpuAdapter,
  isFallbackAdapter,
  webgpuAvailability,
} from "./webgpu/adapter.ts";
import { activateBackend, CampriorError, definePlugin } from "../../mod.ts";
import {
  registerWebGpuTrainingKernels,
  restoreStockWebGpuKernels,
} from "./webgpu/training_kernels.ts";

/** Message of the error thrown when this process gets no WebGPU adapter. */
export const NO_ADAPTER_MESSAGE = "no WebGPU adapter found; on Linux install " +
  "mesa-vulkan-drivers for a software adapter, or use --backend wasm";

/** Returns the WebGPU adapter, or throws a {@linkcode CampriorError} saying what to do. */
export async function requireWebGpuAdapter(
  findAdapter: AdapterFinder = findWebGpuAdapter,
): Promise<GPUAdapter> {
  const adapter = await findAdapter();
  if (!adapter) throw new CampriorError(NO_ADAPTER_MESSAGE);
  return adapter;
}

/** One line naming the adapter, e.g. `llvmpipe (LLVM 15.0.6, 256 bits) (fallback adapter)`. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const name = info.description || [info.vendor, info.architecture, info.device]
    .filter((part) => part).join(" ") ||
    "unnamed adapter";
  return info.isFallbackAdapter ? `${name} (fallback adapter)` : name;
}

const options = z.strictObject({
  kernels: z.enum(["custom", "stock"]).default("custom").describe(
    "custom: camprior's conv2d and loss kernels over tfjs' own; stock: tfjs-webgpu's " +
      "kernels only (for comparisons)",
  ),
});

/**
 * Starts tfjs' WebGPU backend after checking that an adapter exists; warns when it is a
 * software one. Read results with `await tensor.data()`: `dataSync()` fails on webgpu
 * under Deno (tfjs reads synchronously through a canvas, which Deno lacks).
 */
export const webgpuBackendPlugin = definePlugin({
  kind: "backend",
  name: "webgpu",
  description: "WebGPU (a GPU, or Mesa's llvmpipe software adapter)",
  version: "2",
  options,
  availability: () => webgpuAvailability(),
  async create(opts, ctx) {
    const adapter = await requireWebGpuAdapter();
    if (isFallbackAdapter(adapter)) {
      ctx.log.warn(
        `webgpu runs on a software adapter (${describeAdapter(adapter)}); ` +
          `--backend wasm trains about 10x faster on this machine's CPU`,
      );
    }
    await activateBackend("webgpu");
    if (opts.kernels === "stock") restoreStockWebGpuKernels();
    else registerWebGpuTrainingKernels();
    return {
      tfBackend: "webgpu",
      description: `webgpu on ${describeAdapter(adapter)}, ${opts.kernels} kernels`,
    };
  },
});
