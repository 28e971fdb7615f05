/**
 * Finding this process's WebGPU adapter, and how much `backend: "auto"` should want it.
 *
 * @module
 */
import type { BackendAvailability } from "../../../mod.ts";

/** Finds a WebGPU adapter, or `null`. */
export type AdapterFinder = () => Promise<GPUAdapter | null>;

/** The WebGPU adapter this process gets, or `null` (no `navigator.gpu`, or no adapter). */
export async function findWebGpuAdapter(): Promise<GPUAdapter | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter();
  } catch {
    return null;
  }
}

/** Whether the adapter is a software one (e.g. llvmpipe), slower than `wasm` for training. */
export function isFallbackAdapter(adapter: GPUAdapter): boolean {
  return adapter.info.isFallbackAdapter === true;
}

/**
 * Available with any adapter; a hardware adapter ranks above `wasm` (priority 20), a
 * software one below it (5): on llvmpipe a conv training step ran ~11x slower than wasm.
 */
export async function webgpuAvailability(
  findAdapter: AdapterFinder = findWebGpuAdapter,
): Promise<BackendAvailability> {
  const adapter = await findAdapter();
  if (!adapter) return { available: false, priority: 20, reason: "no WebGPU adapter" };
  return isFallbackAdapter(adapter)
    ? { available: true, priority: 5, reason: "software adapter (slower than wasm)" }
    : { available: true, priority: 20 };
}
