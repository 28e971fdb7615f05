/**
 * `deno task bench`: training-step throughput of the U-Net and a VGG-like classifier,
 * Grad-CAM throughput and conv2d/matmul kernel rates, per backend, as the median of
 * repeated runs after warm-up; optionally the same workloads in PyTorch (`--peer`) with
 * the tfjs/PyTorch ratio. Prints a table and writes a JSON report (default
 * `out/bench/<date>.json`).
 *
 * ```sh
 * deno task bench --quick                 # about a minute on 2 cores
 * deno task bench --backend wasm,wasm-stock --peer
 * ```
 *
 * @module
 */
import { dirname } from "node:path";
import { memoryLogger } from "../core/util/logger.ts";
import type { PluginContext } from "../core/plugin/plugin.ts";
import { startThreadedWasm, stopWasmThreads } from "../plugins/backend/wasm/threads.ts";
import { type BenchOptions, innerRuns, parseBenchArgs, USAGE } from "./args.ts";
import { startBenchBackend } from "./backend.ts";
import { currentMachine, describeMachine } from "./machine.ts";
import { findTorchPython, type PeerReport, runPeer } from "./peer.ts";
import { type CellReport, describeCell, runCell } from "./cell.ts";
import {
  benchReport,
  type BenchResult,
  type BenchRound,
  failureOf,
  resultOf,
  resultsTable,
  summaryTable,
} from "./report.ts";
import { formatShares, profileRun } from "./profile.ts";
import { prepareConv, type Prepared, prepareMatmul } from "./run_kernels.ts";
import { prepareGradcam, prepareUnet, prepareVgg } from "./run_models.ts";
import { formatFlopRate, formatMs } from "./stats.ts";
import { timeRuns } from "./timing.ts";
import { type Workload, workloads } from "./workloads.ts";

/** Inputs (and model) of `w` on the active backend. */
function prepare(w: Workload, ctx: PluginContext): Prepared {
  switch (w.kind) {
    case "conv2d":
    case "conv2d-dx":
    case "conv2d-dw":
      return prepareConv(w);
    case "matmul":
      return prepareMatmul(w);
    case "unet":
      return prepareUnet(w, ctx);
    case "vgg":
      return prepareVgg(w, ctx);
    case "gradcam":
      return prepareGradcam(w, ctx);
  }
}

/** Times one workload on the active backend; failures become error records. */
async function measure(
  backend: string,
  w: Workload,
  options: BenchOptions,
  ctx: PluginContext,
  round: number,
): Promise<BenchResult> {
  let prepared: Prepared | undefined;
  try {
    prepared = prepare(w, ctx);
    const plan = { ...options, inner: innerRuns(options, backend) };
    const result = resultOf(backend, w, await timeRuns(prepared.run, plan), round);
    if (!options.profile || w.suite === "kernels" || round > 1) return result;
    return { ...result, profile: await profileRun(() => prepared!.run()) };
  } catch (error) {
    return failureOf(backend, w, error, round);
  } finally {
    prepared?.dispose();
  }
}

/** One progress line per result. */
function progressLine(r: BenchResult): string {
  if (r.error) return `  ${r.name}: error: ${r.error}`;
  const rate = r.gflops !== undefined
    ? formatFlopRate(r.gflops)
    : `${r.imagesPerSecond?.toPrecision(3)} img/s`;
  const cpu = r.cpuMedianMs === undefined ? "" : ` (cpu ${formatMs(r.cpuMedianMs)} ms)`;
  const line = `  ${r.name.padEnd(34)} ${
    formatMs(r.medianMs ?? NaN).padStart(8)
  } ms  ${rate}${cpu}`;
  return [line, ...formatShares(r.profile ?? [])].join("\n");
}

/** Runs every workload on every backend that starts. */
async function runBackends(
  list: readonly Workload[],
  options: BenchOptions,
  ctx: PluginContext,
  round: number,
) {
  const backends: Record<string, string> = {};
  const results: BenchResult[] = [];
  for (const name of options.backends) {
    try {
      const started = await startBenchBackend(name, ctx);
      backends[name] = started.description;
      console.log(`${name}: ${started.description}`);
    } catch (error) {
      backends[name] = `failed to start: ${error instanceof Error ? error.message : error}`;
      console.log(`${name}: ${backends[name]}`);
      continue;
    }
    for (const w of list) {
      const result = await measure(name, w, options, ctx, round);
      console.log(progressLine(result));
      results.push(result);
    }
  }
  return { backends, results };
}

/** The PyTorch peer's timings, or why there are none. */
async function peerTimings(
  list: readonly Workload[],
  options: BenchOptions,
): Promise<PeerReport | { error: string }> {
  const python = await findTorchPython(options.python ? [options.python] : undefined);
  if (!python) {
    console.log("peer: python3 torch not found");
    return { error: "python3 torch not found" };
  }
  try {
    const report = await runPeer(python, list, {
      ...options,
      threads: options.peerThreads,
      device: options.peerDevice,
    });
    console.log(
      `peer: PyTorch ${report.torch} (${python}) on ${report.device}, ${report.threads} thread(s)`,
    );
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`peer: ${message}`);
    return { error: message };
  }
}

/** Load averages as `1.23 0.98 0.75`, or `unknown`. */
function formatLoad(load: readonly number[] | undefined): string {
  return load ? load.map((l) => l.toFixed(2)).join(" ") : "unknown";
}

/** The U-Net cell's memory (first backend), or why there is none. */
async function cellMemory(options: BenchOptions): Promise<CellReport | { error: string }> {
  const backend = options.backends[0] === "wasm-stock" ? "wasm" : options.backends[0];
  console.log(
    `\nU-Net cell on ${backend} (child process), load ${formatLoad(currentMachine().load)}`,
  );
  try {
    const cell = await runCell({ size: options.size, epochs: options.cellEpochs, backend });
    console.log(describeCell(cell).join("\n"));
    return cell;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`U-Net cell: ${message}`);
    return { error: message };
  }
}

/** Runs the benchmark described by `argv`. */
export async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const options = parseBenchArgs(argv);
  const date = new Date().toISOString();
  const before = currentMachine();
  console.log(describeMachine(before));
  const ctx: PluginContext = {
    seed: 1,
    workDir: dirname(options.out),
    log: memoryLogger(),
    signal: new AbortController().signal,
  };
  const list = workloads(options);
  const threaded = options.threads > 1 && options.backends.some((b) => b.startsWith("wasm"));
  if (threaded) {
    console.log(`wasm: ${await startThreadedWasm(options.threads)} threads (experimental)`);
  }
  const rounds: BenchRound[] = [];
  let backends: Record<string, string> = {};
  for (let round = 1; round <= (list.length > 0 ? options.rounds : 0); round++) {
    const before = currentMachine().load;
    console.log(`\nround ${round}/${options.rounds}, load ${formatLoad(before)}`);
    const measured = await runBackends(list, options, ctx, round);
    backends = measured.backends;
    const peer = options.peer && list.length > 0 ? await peerTimings(list, options) : undefined;
    const after = currentMachine().load;
    rounds.push({ round, load: { before, after }, results: measured.results, peer });
    console.log(`round ${round} done, load ${formatLoad(after)}`);
  }
  if (threaded) await stopWasmThreads();
  const cell = options.suites.includes("cell") ? await cellMemory(options) : undefined;
  const machine = { ...before, loadAfter: currentMachine().load };
  for (const round of rounds) {
    if (round.results.length === 0) continue;
    console.log(
      `\nround ${round.round} (load ${formatLoad(round.load.before)} → ${
        formatLoad(round.load.after)
      })\n${resultsTable(round)}`,
    );
  }
  const command = ["deno task bench", ...argv].join(" ");
  const report = benchReport({ date, command, machine, options, backends, rounds, cell });
  if (Object.keys(report.ratios).length > 0) {
    console.log(`\ntfjs / PyTorch over the rounds\n${summaryTable(report.ratios)}`);
  }
  await Deno.mkdir(dirname(options.out), { recursive: true });
  await Deno.writeTextFile(options.out, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nwritten to ${options.out}`);
}

if (import.meta.main) await main(Deno.args);
