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
    return await withRuntimeDir(() => gpu.requestAdapter());
  } catch {
    return null;
  }
}

/**
 * Runs `find` with `XDG_RUNTIME_DIR` set (to an empty private folder, removed afterwards) when
 * it is not. Finding an adapter makes Mesa's Vulkan drivers try a Wayland connection, and
 * without that variable libwayland prints "error: XDG_RUNTIME_DIR is invalid or not set in the
 * environment." — harmless, but at the start of every run with `backend: auto` on a headless
 * Linux machine, where it reads like a failure.
 */
export async function withRuntimeDir<T>(find: () => Promise<T>): Promise<T> {
  if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return await find();
  const dir = await Deno.makeTempDir({ prefix: "camprior-xdg-" });
  Deno.env.set("XDG_RUNTIME_DIR", dir);
  try {
    return await find();
  } finally {
    Deno.env.delete("XDG_RUNTIME_DIR");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
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
