/**
 * Picks and starts the compute backend an experiment asks for: a backend plugin by name,
 * or `auto` (a hardware WebGPU adapter when there is one, else `wasm`).
 *
 * @module
 */
import type { BackendInstance, PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";

/** A started backend and the name of the plugin that started it. */
export type ResolvedBackend = BackendInstance & { readonly name: string };

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
 * The backend plugin `choice` names, without starting it: `auto` gives `webgpu` when the
 * registry has it and a hardware (not fallback) adapter exists, else `wasm`. Software
 * adapters are skipped: on llvmpipe a conv training step ran ~11x slower than on `wasm`.
 */
export async function pickBackendName(
  choice: string,
  registry: Registry,
  findAdapter: AdapterFinder = findWebGpuAdapter,
): Promise<string> {
  if (choice !== "auto") return registry.get("backend", choice).name;
  if (!registry.has("backend", "webgpu")) return "wasm";
  const adapter = await findAdapter();
  return adapter && !isFallbackAdapter(adapter) ? "webgpu" : "wasm";
}

/**
 * Starts the backend plugin {@linkcode pickBackendName} picks, with default options. When
 * `auto` picked `webgpu` and it fails to start, warns and starts `wasm`. Unknown names
 * throw the registry's error listing the registered backends.
 */
export async function resolveBackend(
  choice: string,
  registry: Registry,
  ctx: PluginContext,
  findAdapter: AdapterFinder = findWebGpuAdapter,
): Promise<ResolvedBackend> {
  const name = await pickBackendName(choice, registry, findAdapter);
  if (choice !== "auto" || name !== "webgpu") return await startBackend(name, registry, ctx);
  try {
    return await startBackend(name, registry, ctx);
  } catch (error) {
    ctx.log.warn(`backend auto: webgpu failed (${(error as Error).message}); using wasm`);
    return await startBackend("wasm", registry, ctx);
  }
}

async function startBackend(
  name: string,
  registry: Registry,
  ctx: PluginContext,
): Promise<ResolvedBackend> {
  const plugin = registry.get("backend", name);
  const options = registry.parseOptions("backend", name, {}, `backend "${name}" options`);
  const instance = await plugin.create(options, ctx);
  return { ...instance, name };
}
