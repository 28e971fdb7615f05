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
import { benchReport, type BenchResult, failureOf, resultOf, resultsTable } from "./report.ts";
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
): Promise<BenchResult> {
  let prepared: Prepared | undefined;
  try {
    prepared = prepare(w, ctx);
    const plan = { ...options, inner: innerRuns(options, backend) };
    const result = resultOf(backend, w, await timeRuns(prepared.run, plan));
    if (!options.profile || w.suite === "kernels") return result;
    return { ...result, profile: await profileRun(() => prepared!.run()) };
  } catch (error) {
    return failureOf(backend, w, error);
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
  const line = `  ${r.name.padEnd(34)} ${formatMs(r.medianMs ?? NaN).padStart(8)} ms  ${rate}`;
  return [line, ...formatShares(r.profile ?? [])].join("\n");
}

/** Runs every workload on every backend that starts. */
async function runBackends(list: readonly Workload[], options: BenchOptions, ctx: PluginContext) {
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
      const result = await measure(name, w, options, ctx);
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
  const { backends, results } = await runBackends(list, options, ctx);
  if (threaded) await stopWasmThreads();
  const peer = options.peer ? await peerTimings(list, options) : undefined;
  const machine = { ...before, loadAfter: currentMachine().load };
  console.log(`\n${resultsTable(results, peer && "results" in peer ? peer : undefined)}`);
  const command = ["deno task bench", ...argv].join(" ");
  const report = benchReport({ date, command, machine, options, backends, results, peer });
  await Deno.mkdir(dirname(options.out), { recursive: true });
  await Deno.writeTextFile(options.out, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nwritten to ${options.out}`);
}

if (import.meta.main) await main(Deno.args);
