/**
 * Timing of one workload: untimed warm-up runs (shader and wasm compilation, XNNPACK
 * weight packing, allocator growth), then timed runs and their median, as wall time and
 * as the process's CPU time (user + system, all threads). On a loaded machine the wall
 * time includes waiting for a core; the CPU time does not, though it still grows when
 * another job shares the core's caches.
 *
 * @module
 */
import process from "node:process";
import { median } from "./stats.ts";

/** How often to run a workload. */
export interface TimingPlan {
  readonly warmup: number;
  readonly repeats: number;
  /**
   * Runs per sample, read back once at its end (default 1). On webgpu under Deno every
   * read-back costs ~11 ms however small the work, so GPU figures batch several runs.
   */
  readonly inner?: number;
}

/** The timed runs of one workload, in milliseconds per run. */
export interface Timing {
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
  /** Runs per read-back (1 when absent). */
  readonly inner?: number;
  /** The process's CPU time per run. */
  readonly cpuMedianMs?: number;
  readonly cpuSamplesMs?: readonly number[];
}

/** `runs` runs of a workload, finished (read back once) when the promise settles. */
export type Runs = (runs?: number) => Promise<void>;

/**
 * Runs `run` `warmup` times untimed, then `repeats` samples of `inner` runs each, timed;
 * a sample's time is divided by `inner`. Each call must finish its work before its
 * promise settles (read a result back), or the time means nothing.
 */
export async function timeRuns(run: Runs, plan: TimingPlan): Promise<Timing> {
  const inner = plan.inner ?? 1;
  for (let i = 0; i < plan.warmup; i++) await run(inner);
  const samplesMs: number[] = [];
  const cpuSamplesMs: number[] = [];
  for (let i = 0; i < plan.repeats; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await run(inner);
    samplesMs.push((performance.now() - start) / inner);
    const used = process.cpuUsage(cpu);
    cpuSamplesMs.push((used.user + used.system) / 1000 / inner);
  }
  return {
    medianMs: median(samplesMs),
    samplesMs,
    inner,
    cpuMedianMs: median(cpuSamplesMs),
    cpuSamplesMs,
  };
}
