/**
 * Timing of one workload: untimed warm-up runs (shader and wasm compilation, XNNPACK
 * weight packing, allocator growth), then timed runs and their median.
 *
 * @module
 */
import { median } from "./stats.ts";

/** How often to run a workload. */
export interface TimingPlan {
  readonly warmup: number;
  readonly repeats: number;
}

/** The timed runs of one workload, in milliseconds. */
export interface Timing {
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
}

/**
 * Runs `run` `warmup` times untimed, then `repeats` times timed. Each run must finish
 * its work before its promise settles (read a result back), or the time means nothing.
 */
export async function timeRuns(run: () => Promise<void>, plan: TimingPlan): Promise<Timing> {
  for (let i = 0; i < plan.warmup; i++) await run();
  const samplesMs: number[] = [];
  for (let i = 0; i < plan.repeats; i++) {
    const start = performance.now();
    await run();
    samplesMs.push(performance.now() - start);
  }
  return { medianMs: median(samplesMs), samplesMs };
}
