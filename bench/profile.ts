/**
 * Where a run's time goes, kernel by kernel (`--profile`): tfjs' profiler times every
 * kernel the run launches; the times are summed per kernel name.
 *
 * On the CPU backends a kernel's time is its real duration; on webgpu it is GPU time
 * where timestamp queries exist. Profiling adds overhead, so the shares matter more than
 * the sum.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** One kernel's share of a profiled run. */
export interface KernelShare {
  readonly kernel: string;
  readonly calls: number;
  readonly ms: number;
  /** Fraction of the summed kernel time, 0–1. */
  readonly share: number;
}

/** A kernel launch as the profiler reports it. */
interface Launch {
  readonly name: string;
  readonly ms: number;
}

/**
 * Sums launches per kernel, largest first. Names ending in `__op` are ops with custom
 * gradients, timed around the kernels they launch: left out so nothing counts twice.
 */
export function kernelShares(launches: readonly Launch[]): KernelShare[] {
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const { name, ms } of launches) {
    if (name.endsWith("__op")) continue;
    const entry = totals.get(name) ?? { calls: 0, ms: 0 };
    totals.set(name, { calls: entry.calls + 1, ms: entry.ms + ms });
  }
  const sum = [...totals.values()].reduce((total, t) => total + t.ms, 0);
  return [...totals].map(([kernel, t]) => ({ kernel, ...t, share: sum > 0 ? t.ms / sum : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/** Profiles one `run` and returns its kernel shares. */
export async function profileRun(run: () => Promise<void>): Promise<KernelShare[]> {
  const info = await tf.profile(run);
  const launches = await Promise.all(info.kernels.map(async (k) => ({
    name: k.name,
    ms: Number(await k.kernelTimeMs) || 0,
  })));
  return kernelShares(launches);
}

/** The top `count` shares as text lines. */
export function formatShares(shares: readonly KernelShare[], count = 8): string[] {
  return shares.slice(0, count).map((s) =>
    `    ${s.kernel.padEnd(28)} ${s.ms.toFixed(0).padStart(7)} ms ${
      (100 * s.share).toFixed(1).padStart(5)
    }%  (${s.calls} calls)`
  );
}
