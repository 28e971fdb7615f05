/**
 * What a step needs to run besides its own settings: plugins, the artifact store, the
 * backend, logging and cancellation, and an in-memory cache of loaded artifacts so a run
 * reads each one once. It holds no experiment: a step reads only its settings.
 *
 * @module
 */
import { join } from "node:path";
import type { Logger } from "../util/logger.ts";
import type { PluginContext } from "../plugin/plugin.ts";
import type { Progress } from "../util/progress.ts";
import type { Registry } from "../plugin/registry.ts";
import type { ArtifactDescription, ArtifactStore } from "../run/artifact_store.ts";
import type { Step } from "../plan/step.ts";

/** Shared by every step of a run. */
export interface StepEnv {
  readonly registry: Registry;
  readonly store: ArtifactStore;
  readonly outDir: string;
  /** tfjs backend name in use. */
  readonly backend: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The running step's own log file (epochs, notes), when the executor keeps one. */
  readonly stepLog?: Logger;
  readonly progress: Progress;
  /** Loaded artifacts by step id (and a suffix for variants). */
  readonly memo: Map<string, unknown>;
}

/** Forgets what was loaded of an artifact (it was replaced or moved aside). */
export function forget(env: StepEnv, id: string): void {
  for (const key of env.memo.keys()) if (key.startsWith(id)) env.memo.delete(key);
}

/** Loads an artifact once per run. */
export async function memoized<T>(env: StepEnv, key: string, load: () => Promise<T>): Promise<T> {
  if (!env.memo.has(key)) env.memo.set(key, await load());
  return env.memo.get(key) as T;
}

/** The plugin context for a step with the given seed. */
export function pluginContext(env: StepEnv, seed: number): PluginContext {
  return {
    seed,
    workDir: join(env.outDir, "work"),
    log: env.log,
    signal: env.signal,
    ...(env.stepLog ? { stepLog: env.stepLog } : {}),
  };
}

/** The manifest fields of a step's artifact. */
export function describeStep(step: Step): ArtifactDescription {
  return { kind: step.kind, label: step.label, settings: step.settings, deps: step.deps };
}
