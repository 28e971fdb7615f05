/**
 * Picks and starts the compute backend an experiment asks for: a backend plugin with its
 * options, or `auto`, which asks every backend plugin that reports its availability and
 * starts the available one of highest priority (falling back to the next when it fails).
 *
 * @module
 */
import type { ResolvedRef } from "../config/experiment.ts";
import { AUTO_BACKEND } from "../config/experiment.ts";
import type { BackendInstance } from "../plugin/backend.ts";
import type { AnyPlugin, PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { CampriorError } from "../util/errors.ts";

/** A started backend and the name of the plugin that started it. */
export type ResolvedBackend = BackendInstance & { readonly name: string };

/** A backend plugin `auto` may pick, with what it reported. */
export interface BackendCandidate {
  readonly name: string;
  readonly priority: number;
}

/**
 * The backend plugins `auto` may pick, best first: those whose `availability` says they
 * can run here, by descending priority (ties by name).
 */
export async function autoCandidates(registry: Registry): Promise<BackendCandidate[]> {
  const candidates: BackendCandidate[] = [];
  for (const plugin of registry.list("backend")) {
    const probe = (plugin as Extract<AnyPlugin, { kind: "backend" }>).availability;
    if (!probe) continue;
    const availability = await probe();
    if (availability.available) {
      candidates.push({ name: plugin.name, priority: availability.priority });
    }
  }
  return candidates.sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

/** The backend plugin `choice` names, without starting it (`auto`: the best available). */
export async function pickBackendName(choice: ResolvedRef, registry: Registry): Promise<string> {
  if (choice.plugin !== AUTO_BACKEND) return registry.get("backend", choice.plugin).name;
  const [best] = await autoCandidates(registry);
  if (!best) throw noBackend();
  return best.name;
}

/**
 * Starts the backend `choice` names with its options. `auto` starts the best available
 * backend with default options; when it fails to start, warns and tries the next. Unknown
 * names throw the registry's error listing the registered backends.
 */
export async function resolveBackend(
  choice: ResolvedRef,
  registry: Registry,
  ctx: PluginContext,
): Promise<ResolvedBackend> {
  if (choice.plugin !== AUTO_BACKEND) {
    return await startBackend(choice.plugin, choice.options, registry, ctx);
  }
  const candidates = await autoCandidates(registry);
  for (const [i, { name }] of candidates.entries()) {
    try {
      return await startBackend(name, {}, registry, ctx);
    } catch (error) {
      const next = candidates[i + 1];
      if (!next) throw error;
      ctx.log.warn(
        `backend auto: ${name} failed (${(error as Error).message}); using ${next.name}`,
      );
    }
  }
  throw noBackend();
}

function noBackend(): CampriorError {
  return new CampriorError(
    "backend auto: no registered backend plugin reports itself available; name one with " +
      "--backend",
  );
}

async function startBackend(
  name: string,
  options: Readonly<Record<string, unknown>>,
  registry: Registry,
  ctx: PluginContext,
): Promise<ResolvedBackend> {
  const plugin = registry.get("backend", name);
  const parsed = registry.parseOptions("backend", name, options, `backend "${name}" options`);
  const instance = await plugin.create(parsed, ctx);
  return { ...instance, name };
}
