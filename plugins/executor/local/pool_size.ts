/**
 * How many steps the local executor runs at once: `jobs`, or with `auto` the machine's
 * cores, fewer when the free memory does not hold that many workers of `memoryPerJob` MiB.
 *
 * @module
 */

/** What the pool size is chosen from. */
export interface PoolSettings {
  readonly jobs: number | "auto";
  /** MiB one worker may take (a 128² U-Net cell peaked at 765 MiB on wasm). */
  readonly memoryPerJob: number;
}

/** The machine, as far as the pool size cares. */
export interface MachineResources {
  readonly cores: number;
  /** Free memory (MiB); undefined when unknown. */
  readonly availableMiB?: number;
}

/** The pool size and why, e.g. `2 (auto: 2 cores, 20.1 GiB free at 2.0 GiB per job)`. */
export interface PoolSize {
  readonly jobs: number;
  readonly why: string;
}

/** The cores and free memory of this machine. */
export function thisMachine(): MachineResources {
  const cores = navigator.hardwareConcurrency || 1;
  try {
    return { cores, availableMiB: Deno.systemMemoryInfo().available / 2 ** 20 };
  } catch {
    return { cores };
  }
}

const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;

/** How many steps run at once with these settings on this machine. */
export function poolSize(settings: PoolSettings, machine = thisMachine()): PoolSize {
  if (settings.jobs !== "auto") return { jobs: settings.jobs, why: "--jobs / executor.jobs" };
  const { cores, availableMiB } = machine;
  if (availableMiB === undefined) return { jobs: cores, why: `auto: ${cores} cores` };
  const fit = Math.max(1, Math.floor(availableMiB / settings.memoryPerJob));
  const jobs = Math.min(cores, fit);
  const memory = `${gib(availableMiB)} free at ${gib(settings.memoryPerJob)} per job`;
  return { jobs, why: `auto: ${cores} cores, ${memory}` };
}
