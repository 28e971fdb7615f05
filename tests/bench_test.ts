import assert from "node:assert/strict";
import { defaultOutPath, innerRuns, parseBenchArgs } from "../bench/args.ts";
import { startBenchBackend } from "../bench/backend.ts";
import { cpuModel, loadAverages } from "../bench/machine.ts";
import { findTorchPython, type PeerReport } from "../bench/peer.ts";
import { cellGrowth, runCell } from "../bench/cell.ts";
import {
  benchReport,
  type BenchRound,
  failureOf,
  ratioOf,
  resultOf,
  resultsTable,
  summaryTable,
} from "../bench/report.ts";
import { prepareConv } from "../bench/run_kernels.ts";
import {
  convFlops,
  formatFlopRate,
  formatMs,
  gflops,
  imagesPerSecond,
  matmulFlops,
  median,
} from "../bench/stats.ts";
import { formatTable } from "../bench/table.ts";
import { timeRuns } from "../bench/timing.ts";
import { type ConvWorkload, workloadFlops, workloads } from "../bench/workloads.ts";
import { testContext } from "./backend_parity.ts";

const NOW = new Date("2026-11-27T09:08:07Z");

Deno.test("median of odd, even and empty lists; input left unsorted", () => {
  const values = [5, 1, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("FLOP and rate arithmetic", () => {
  assert.equal(convFlops([8, 128, 128, 16], [3, 3, 16, 16]), 2 * 8 * 128 * 128 * 9 * 16 * 16);
  assert.equal(convFlops([1, 7, 5, 2], [3, 3, 2, 4], 2), 2 * 4 * 3 * 9 * 2 * 4);
  assert.equal(matmulFlops(2, 3, 4), 48);
  assert.equal(gflops(3e9, 1000), 3);
  assert.equal(imagesPerSecond(8, 500), 16);
  assert.equal(formatFlopRate(12.5), "12.50 GFLOP/s");
  assert.equal(formatFlopRate(250), "250 GFLOP/s");
  assert.equal(formatFlopRate(2500), "2.50 TFLOP/s");
  assert.equal(formatFlopRate(0.0043), "0.0043 GFLOP/s");
  assert.equal(formatFlopRate(NaN), "–");
  assert.equal(formatMs(3.14159), "3.14");
  assert.equal(formatMs(1234.5), "1235");
});

Deno.test("formatTable aligns columns and trims trailing spaces", () => {
  const table = formatTable({
    headers: ["name", "ms"],
    rows: [["conv", "1.5"], ["matmul 1024", "12"]],
    align: ["left", "right"],
  });
  assert.equal(
    table,
    ["name          ms", "-----------  ---", "conv         1.5", "matmul 1024   12"].join("\n"),
  );
});

Deno.test("parseBenchArgs: defaults, quick, lists and bad values", () => {
  const defaults = parseBenchArgs([], NOW);
  assert.deepEqual(defaults.backends, ["wasm"]);
  assert.deepEqual(defaults.suites, ["kernels", "train", "gradcam", "cell"]);
  assert.equal(defaults.rounds, 3);
  assert.equal(defaults.repeats, 5);
  assert.equal(defaults.size, 128);
  assert.equal(defaults.peerDevice, "cpu");
  assert.equal(defaults.out, "out/bench/2026-11-27T09-08-07.json");
  assert.equal(defaultOutPath(NOW), defaults.out);
  const quick = parseBenchArgs(["--quick", "--repeats", "3"], NOW);
  assert.equal(quick.size, 64);
  assert.equal(quick.repeats, 3);
  assert.equal(quick.rounds, 1);
  const lists = parseBenchArgs(
    ["--backend", "wasm,cpu", "--backend", "wasm-stock", "--only", "kernels", "--matmul", "64,128"],
    NOW,
  );
  assert.deepEqual(lists.backends, ["wasm", "cpu", "wasm-stock"]);
  assert.deepEqual(lists.suites, ["kernels"]);
  assert.deepEqual(lists.matmul, [64, 128]);
  assert.throws(() => parseBenchArgs(["--backend", "gpu"]), /--backend "gpu"/);
  assert.throws(() => parseBenchArgs(["--repeats", "0"]), /--repeats/);
  assert.throws(() => parseBenchArgs(["--peer-device", "tpu"]), /--peer-device "tpu"/);
  assert.throws(() => parseBenchArgs(["--warmup", "x"]), /--warmup/);
  assert.throws(() => parseBenchArgs(["--nope"]));
});

Deno.test("workloads follow the U-Net's levels and the chosen suites", () => {
  const all = workloads({ batch: 2, size: 32, matmul: [64], suites: ["kernels", "train"] });
  const names = all.map((w) => w.name);
  assert.equal(names.length, 4 * 3 + 1 + 2);
  assert.ok(names.includes("conv2d-dw 2x32x32x16 3x3"));
  assert.ok(names.includes("conv2d 2x4x4x128 3x3"));
  assert.ok(names.includes("unet step b2 32x32"));
  assert.ok(!names.some((n) => n.startsWith("gradcam")));
  const conv = all[0] as ConvWorkload;
  assert.equal(workloadFlops(conv), convFlops(conv.x, conv.filter));
});

/** A peer report with one timing. */
const PEER: PeerReport = {
  python: "python3",
  torch: "1.13",
  threads: 1,
  device: "cpu",
  results: [{ name: "matmul 64x64", medianMs: 2, cpuMedianMs: 4 }],
};

Deno.test("results, ratios to PyTorch per round, tables and report", () => {
  const [matmul, unet] = workloads({
    batch: 2,
    size: 16,
    matmul: [64],
    suites: ["kernels", "train"],
  }).slice(-3);
  const ok = resultOf("wasm", matmul, { medianMs: 5, samplesMs: [4, 5, 6], cpuMedianMs: 6 });
  assert.equal(ok.gflops, matmulFlops(64, 64, 64) / 5 / 1e6);
  assert.equal(ok.round, 1);
  const failed = failureOf("wasm", unet, new Error("out of memory"));
  assert.equal(failed.error, "out of memory");
  assert.deepEqual(ratioOf(ok, PEER), { wall: 2.5, cpu: 1.5 });
  assert.deepEqual(ratioOf(failed, PEER), { wall: undefined, cpu: undefined });
  const first: BenchRound = {
    round: 1,
    load: { before: [1, 1, 1] },
    results: [ok, failed],
    peer: PEER,
  };
  const table = resultsTable(first);
  assert.match(table, /matmul 64x64 +5\.00 +6\.00 +0\.10 GFLOP\/s +2\.00 +4\.00 +2\.50× +1\.50×/);
  assert.match(table, /error: out of memory/);
  assert.doesNotMatch(resultsTable({ ...first, peer: undefined }), /torch/);
  const second: BenchRound = {
    round: 2,
    load: {},
    results: [{ ...resultOf("wasm", matmul, { medianMs: 3, samplesMs: [3] }, 2) }],
    peer: PEER,
  };
  const report = benchReport({
    date: NOW.toISOString(),
    command: "deno task bench",
    machine: { cpu: "x", cores: 2, os: "linux", deno: "2", tfjs: "4" },
    options: parseBenchArgs([], NOW),
    backends: { wasm: "wasm (SIMD, 1 thread)" },
    rounds: [first, second],
  });
  assert.deepEqual(report.ratios["wasm/matmul 64x64"], {
    wall: [2.5, 1.5],
    cpu: [1.5, null],
    medianWall: 2,
    medianCpu: 1.5,
  });
  assert.match(
    summaryTable(report.ratios),
    /wasm\/matmul 64x64 +2\.50 \/ 1\.50 +2\.00× +1\.50 \/ – +1\.50×/,
  );
});

Deno.test("cell growth counts from the second epoch to the last", () => {
  const epoch = (n: number, rss: number, tensors: number) => ({
    epoch: n,
    seconds: 1,
    loss: 1,
    rssBytes: rss,
    v8HeapBytes: 0,
    wasmHeapBytes: rss / 2,
    numTensors: tensors,
    tensorBytes: 0,
  });
  const growth = cellGrowth([epoch(1, 100, 10), epoch(2, 300, 12), epoch(3, 310, 12)]);
  assert.deepEqual(growth, {
    fromEpoch: 2,
    toEpoch: 3,
    rssBytes: 10,
    wasmHeapBytes: 5,
    numTensors: 0,
  });
  assert.equal(cellGrowth([epoch(1, 100, 10), epoch(2, 150, 10)]).fromEpoch, 1);
  assert.throws(() => cellGrowth([]), /no epochs/);
});

Deno.test("machine details parse /proc files", () => {
  assert.equal(
    cpuModel("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n"),
    "Intel(R) Xeon(R) Processor",
  );
  assert.equal(cpuModel(undefined), "unknown CPU");
  assert.deepEqual(loadAverages("1.50 0.75 0.25 2/300 1234\n"), [1.5, 0.75, 0.25]);
  assert.equal(loadAverages("garbage"), undefined);
});

Deno.test("findTorchPython skips pythons that are missing", async () => {
  assert.equal(await findTorchPython(["/nonexistent/python3"]), undefined);
});

Deno.test("one conv2d microbenchmark runs on wasm with one repeat", async () => {
  const started = await startBenchBackend("wasm", testContext());
  assert.equal(started.tfBackend, "wasm");
  const workload: ConvWorkload = {
    suite: "kernels",
    kind: "conv2d-dx",
    name: "conv2d-dx 1x9x9x2 3x3",
    x: [1, 9, 9, 2],
    filter: [3, 3, 2, 2],
  };
  const prepared = prepareConv(workload);
  try {
    const timing = await timeRuns(prepared.run, { warmup: 0, repeats: 1 });
    const result = resultOf("wasm", workload, timing);
    assert.equal(result.samplesMs?.length, 1);
    assert.ok(result.medianMs! > 0 && result.gflops! > 0);
  } finally {
    prepared.dispose();
  }
});

Deno.test("parseBenchArgs: --inner, --conv and webgpu-stock; runs per read-back by backend", () => {
  const options = parseBenchArgs(
    ["--backend", "webgpu,webgpu-stock", "--conv", "32x128x128x32", "--conv", "2x9x9x4"],
    NOW,
  );
  assert.deepEqual(options.backends, ["webgpu", "webgpu-stock"]);
  assert.deepEqual(options.convs, [[32, 128, 128, 32], [2, 9, 9, 4]]);
  assert.equal(innerRuns(options, "webgpu"), 10);
  assert.equal(innerRuns(options, "webgpu-stock"), 10);
  assert.equal(innerRuns(options, "wasm"), 1);
  assert.equal(innerRuns(parseBenchArgs(["--inner", "3"], NOW), "webgpu"), 3);
  assert.throws(() => parseBenchArgs(["--conv", "32x128x128"]), /--conv must look like/);
  assert.throws(() => parseBenchArgs(["--inner", "0"]), /--inner/);
});

Deno.test("--conv adds 3x3 kernel workloads once, besides the U-Net's levels", () => {
  const sizes = { batch: 8, size: 128, matmul: [], suites: ["kernels" as const] };
  const names = (convs: [number, number, number, number][]) =>
    workloads({ ...sizes, convs }).map((w) => w.name);
  const extra = names([[32, 128, 128, 32], [8, 128, 128, 16]]);
  assert.equal(extra.length, names([]).length + 3);
  assert.ok(extra.includes("conv2d-dw 32x128x128x32 3x3"));
});

Deno.test("timeRuns divides each sample by the runs it made", async () => {
  const calls: number[] = [];
  const durations: number[] = [];
  const timing = await timeRuns(async (runs = 1) => {
    const start = performance.now();
    calls.push(runs);
    await new Promise((resolve) => setTimeout(resolve, 20));
    durations.push(performance.now() - start);
  }, { warmup: 1, repeats: 2, inner: 4 });
  assert.deepEqual(calls, [4, 4, 4]);
  assert.equal(timing.inner, 4);
  timing.samplesMs.forEach((sample, i) => {
    const whole = durations[i + 1];
    assert.ok(Math.abs(sample * 4 - whole) < 5 + whole / 10, `${sample} ms per run of ${whole}`);
  });
});

Deno.test("a small U-Net cell keeps its tensors and wasm heap flat over epochs", async () => {
  const cell = await runCell({ size: 32, epochs: 4, backend: "wasm", patientsPerGroup: 1 });
  assert.equal(cell.epochs.length, 4);
  assert.ok(cell.peakRssBytes! > cell.epochs[0].wasmHeapBytes!, "peak RSS below the wasm heap");
  assert.equal(cell.growth.numTensors, 0, `tensors grew: ${JSON.stringify(cell.epochs)}`);
  assert.equal(cell.growth.wasmHeapBytes, 0, `wasm heap grew: ${JSON.stringify(cell.epochs)}`);
  assert.ok(cell.epochs.at(-1)!.loss < cell.epochs[0].loss, "the cell's loss did not fall");
});
