/**
 * Results of a benchmark run: one record per backend, workload and round, a table per
 * round (with PyTorch's times and the tfjs/PyTorch ratios, wall and CPU, where the peer
 * ran), a summary of the ratios over the rounds, and the JSON report.
 *
 * @module
 */
import type { BenchOptions } from "./args.ts";
import type { CellReport } from "./cell.ts";
import type { Machine } from "./machine.ts";
import type { PeerReport } from "./peer.ts";
import type { KernelShare } from "./profile.ts";
import { formatFlopRate, formatMs, gflops, imagesPerSecond, median } from "./stats.ts";
import { formatTable } from "./table.ts";
import type { Timing } from "./timing.ts";
import { type Suite, type Workload, workloadFlops, workloadImages } from "./workloads.ts";

/** One workload timed on one backend in one round, or why it could not be. */
export interface BenchResult {
  readonly backend: string;
  readonly suite: Suite;
  readonly name: string;
  readonly round: number;
  readonly medianMs?: number;
  readonly samplesMs?: readonly number[];
  /** Runs per read-back (each sample's time is divided by it). */
  readonly runsPerReadBack?: number;
  /** The process's CPU time per run (median). */
  readonly cpuMedianMs?: number;
  readonly cpuSamplesMs?: readonly number[];
  /** Kernels: GFLOP/s at the median. */
  readonly gflops?: number;
  /** Models: images per second at the median. */
  readonly imagesPerSecond?: number;
  /** With `--profile`: kernel shares of one more run (models only, first round). */
  readonly profile?: readonly KernelShare[];
  readonly error?: string;
}

/** The record of `workload` timed as `timing` on `backend` in `round`. */
export function resultOf(
  backend: string,
  workload: Workload,
  timing: Timing,
  round = 1,
): BenchResult {
  const flops = workloadFlops(workload);
  const images = workloadImages(workload);
  return {
    backend,
    suite: workload.suite,
    name: workload.name,
    round,
    medianMs: timing.medianMs,
    samplesMs: timing.samplesMs,
    runsPerReadBack: timing.inner ?? 1,
    cpuMedianMs: timing.cpuMedianMs,
    cpuSamplesMs: timing.cpuSamplesMs,
    gflops: flops === undefined ? undefined : gflops(flops, timing.medianMs),
    imagesPerSecond: images === undefined ? undefined : imagesPerSecond(images, timing.medianMs),
  };
}

/** The record of a workload that failed on `backend`. */
export function failureOf(
  backend: string,
  workload: Workload,
  error: unknown,
  round = 1,
): BenchResult {
  const message = error instanceof Error ? error.message : String(error);
  return { backend, suite: workload.suite, name: workload.name, round, error: message };
}

/** One round: tfjs results, PyTorch's (if asked for), and the load averages around it. */
export interface BenchRound {
  readonly round: number;
  readonly load: { readonly before?: readonly number[]; readonly after?: readonly number[] };
  readonly results: readonly BenchResult[];
  readonly peer?: PeerReport | { readonly error: string };
}

/** tfjs time over PyTorch time for one result: wall clock and CPU. */
export interface Ratio {
  readonly wall?: number;
  readonly cpu?: number;
}

function peerOf(round: BenchRound): PeerReport | undefined {
  return round.peer && "results" in round.peer ? round.peer : undefined;
}

function quotient(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

/** The ratio of `r` to the peer's timing of the same workload. */
export function ratioOf(r: BenchResult, peer: PeerReport | undefined): Ratio {
  const reference = peer?.results.find((p) => p.name === r.name);
  return {
    wall: quotient(r.medianMs, reference?.medianMs),
    cpu: quotient(r.cpuMedianMs, reference?.cpuMedianMs),
  };
}

/** Each round's ratio for one `backend/workload`, and the medians over the rounds. */
export interface RatioSummary {
  readonly wall: readonly (number | null)[];
  readonly cpu: readonly (number | null)[];
  readonly medianWall?: number;
  readonly medianCpu?: number;
}

/** Ratios per `backend/workload` over the rounds; empty without a peer. */
export function ratioSummary(rounds: readonly BenchRound[]): Record<string, RatioSummary> {
  const byKey = new Map<string, Ratio[]>();
  for (const round of rounds) {
    const peer = peerOf(round);
    if (!peer) continue;
    for (const r of round.results) {
      const key = `${r.backend}/${r.name}`;
      byKey.set(key, [...byKey.get(key) ?? [], ratioOf(r, peer)]);
    }
  }
  const summary: Record<string, RatioSummary> = {};
  for (const [key, ratios] of byKey) {
    const wall = ratios.map((r) => r.wall ?? null);
    const cpu = ratios.map((r) => r.cpu ?? null);
    const known = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
    const medianOf = (values: (number | null)[]) =>
      known(values).length > 0 ? median(known(values)) : undefined;
    summary[key] = { wall, cpu, medianWall: medianOf(wall), medianCpu: medianOf(cpu) };
  }
  return summary;
}

/** The rate column: GFLOP/s for kernels, images/s for models. */
function rateOf(r: BenchResult): string {
  if (r.gflops !== undefined) return formatFlopRate(r.gflops);
  if (r.imagesPerSecond !== undefined) return `${r.imagesPerSecond.toPrecision(3)} img/s`;
  return "";
}

const times = (ratio: number | undefined) => ratio === undefined ? "" : `${ratio.toFixed(2)}×`;
const ms = (value: number | undefined) => value === undefined ? "" : formatMs(value);

/** The table of one round: tfjs times, and PyTorch's with the ratios where the peer ran. */
export function resultsTable(round: BenchRound): string {
  const peer = peerOf(round);
  const rows = round.results.map((r) => {
    const reference = peer?.results.find((p) => p.name === r.name);
    const ratio = ratioOf(r, peer);
    return [
      r.backend,
      r.name,
      r.error ? `error: ${r.error.slice(0, 60)}` : ms(r.medianMs),
      ms(r.cpuMedianMs),
      rateOf(r),
      ms(reference?.medianMs),
      ms(reference?.cpuMedianMs),
      times(ratio.wall),
      times(ratio.cpu),
    ];
  });
  const headers = [
    "backend",
    "workload",
    "median ms",
    "cpu ms",
    "rate",
    "torch ms",
    "torch cpu ms",
    "ratio",
    "cpu ratio",
  ];
  const columns = peer ? headers.length : 5;
  return formatTable({
    headers: headers.slice(0, columns),
    rows: rows.map((row) => row.slice(0, columns)),
    align: ["left", "left", ...Array(columns - 2).fill("right")],
  });
}

/** The ratios of every round side by side, with their medians. */
export function summaryTable(summary: Record<string, RatioSummary>): string {
  const list = (values: readonly (number | null)[]) =>
    values.map((v) => v === null ? "–" : v.toFixed(2)).join(" / ");
  return formatTable({
    headers: ["backend/workload", "tfjs/torch per round", "median", "cpu per round", "median"],
    rows: Object.entries(summary).map(([key, s]) => [
      key,
      list(s.wall),
      times(s.medianWall),
      list(s.cpu),
      times(s.medianCpu),
    ]),
    align: ["left", "right", "right", "right", "right"],
  });
}

/** The JSON report of a run. */
export interface BenchReport {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly options: BenchOptions;
  readonly backends: Readonly<Record<string, string>>;
  readonly rounds: readonly BenchRound[];
  /** The U-Net cell's memory (`--only cell`). */
  readonly cell?: CellReport | { readonly error: string };
  /** `backend/workload` → tfjs/PyTorch per round and their medians. */
  readonly ratios: Readonly<Record<string, RatioSummary>>;
}

/** Assembles the JSON report. */
export function benchReport(parts: Omit<BenchReport, "ratios">): BenchReport {
  return { ...parts, ratios: ratioSummary(parts.rounds) };
}
