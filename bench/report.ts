/**
 * Results of a benchmark run: one record per backend and workload, the table printed at
 * the end (with the ratio to PyTorch where the peer ran), and the JSON report.
 *
 * @module
 */
import type { BenchOptions } from "./args.ts";
import type { Machine } from "./machine.ts";
import type { PeerReport } from "./peer.ts";
import type { KernelShare } from "./profile.ts";
import { formatFlopRate, formatMs, gflops, imagesPerSecond } from "./stats.ts";
import { formatTable } from "./table.ts";
import type { Timing } from "./timing.ts";
import { type Suite, type Workload, workloadFlops, workloadImages } from "./workloads.ts";

/** One workload timed on one backend, or why it could not be. */
export interface BenchResult {
  readonly backend: string;
  readonly suite: Suite;
  readonly name: string;
  readonly medianMs?: number;
  readonly samplesMs?: readonly number[];
  /** Runs per read-back (each sample's time is divided by it). */
  readonly runsPerReadBack?: number;
  /** Kernels: GFLOP/s at the median. */
  readonly gflops?: number;
  /** Models: images per second at the median. */
  readonly imagesPerSecond?: number;
  /** With `--profile`: kernel shares of one more run (models only). */
  readonly profile?: readonly KernelShare[];
  readonly error?: string;
}

/** The record of `workload` timed as `timing` on `backend`. */
export function resultOf(backend: string, workload: Workload, timing: Timing): BenchResult {
  const flops = workloadFlops(workload);
  const images = workloadImages(workload);
  return {
    backend,
    suite: workload.suite,
    name: workload.name,
    medianMs: timing.medianMs,
    samplesMs: timing.samplesMs,
    runsPerReadBack: timing.inner ?? 1,
    gflops: flops === undefined ? undefined : gflops(flops, timing.medianMs),
    imagesPerSecond: images === undefined ? undefined : imagesPerSecond(images, timing.medianMs),
  };
}

/** The record of a workload that failed on `backend`. */
export function failureOf(backend: string, workload: Workload, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message : String(error);
  return { backend, suite: workload.suite, name: workload.name, error: message };
}

/** `tfjs ms / PyTorch ms` per workload name, for workloads both timed. */
export function peerRatios(
  results: readonly BenchResult[],
  peer: PeerReport | undefined,
): Map<string, number> {
  const ratios = new Map<string, number>();
  const torch = new Map(peer?.results.map((r) => [r.name, r.medianMs]) ?? []);
  for (const r of results) {
    const reference = torch.get(r.name);
    if (r.medianMs !== undefined && reference !== undefined && reference > 0) {
      ratios.set(`${r.backend}/${r.name}`, r.medianMs / reference);
    }
  }
  return ratios;
}

/** The rate column: GFLOP/s for kernels, images/s for models. */
function rateOf(r: BenchResult): string {
  if (r.gflops !== undefined) return formatFlopRate(r.gflops);
  if (r.imagesPerSecond !== undefined) return `${r.imagesPerSecond.toPrecision(3)} img/s`;
  return "";
}

/** The printed table: one row per result, with PyTorch's median and the ratio if present. */
export function resultsTable(results: readonly BenchResult[], peer?: PeerReport): string {
  const torch = new Map(peer?.results.map((r) => [r.name, r]) ?? []);
  const ratios = peerRatios(results, peer);
  const rows = results.map((r) => {
    const reference = torch.get(r.name);
    const ratio = ratios.get(`${r.backend}/${r.name}`);
    return [
      r.backend,
      r.name,
      r.error ? `error: ${r.error.slice(0, 60)}` : formatMs(r.medianMs ?? NaN),
      rateOf(r),
      reference?.medianMs === undefined ? "" : formatMs(reference.medianMs),
      ratio === undefined ? "" : `${ratio.toFixed(1)}×`,
    ];
  });
  const headers = ["backend", "workload", "median ms", "rate", "torch ms", "tfjs/torch"];
  if (!peer) {
    return formatTable({
      headers: headers.slice(0, 4),
      rows: rows.map((row) => row.slice(0, 4)),
      align: ["left", "left", "right", "right"],
    });
  }
  return formatTable({
    headers,
    rows,
    align: ["left", "left", "right", "right", "right", "right"],
  });
}

/** The JSON report of a run. */
export interface BenchReport {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly options: BenchOptions;
  readonly backends: Readonly<Record<string, string>>;
  readonly results: readonly BenchResult[];
  readonly peer?: PeerReport | { readonly error: string };
  /** `backend/workload` → tfjs median / PyTorch median. */
  readonly ratios?: Readonly<Record<string, number>>;
}

/** Assembles the JSON report. */
export function benchReport(parts: Omit<BenchReport, "ratios">): BenchReport {
  const peer = parts.peer && "results" in parts.peer ? parts.peer : undefined;
  const ratios = peer ? Object.fromEntries(peerRatios(parts.results, peer)) : undefined;
  return { ...parts, ratios };
}
