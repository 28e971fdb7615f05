/**
 * Grid throughput of the local executor's process pool: the same small ACDC grid (1Ch
 * U-Net cells at 64², one per sample size) run with `--jobs 1` and `--jobs 2` (or the
 * `--jobs` list given) into fresh output folders, each timed as a whole `experiment run`
 * process; prints cells per hour of each, the ratio to the first, and the load average
 * before and after every run. The data and split steps (shared by every cell) are computed
 * once beforehand and copied into each folder, so the runs time the cells. Before every run
 * it also measures how the machine's cores scale right now on SIMD arithmetic
 * (`core_scaling.ts`), the ceiling of what the pool can gain at that moment.
 *
 * ```sh
 * deno task bench:jobs                                   # 4 cells, --jobs 1 and 2
 * deno task bench:jobs --cells 2 --epochs 2 --jobs 1,2   # a quick check
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cpuModel, loadAverages, readText } from "../core/util/machine.ts";
import { median } from "./stats.ts";
import { type CoreScaling, coreScaling, describeScaling } from "./core_scaling.ts";

const USAGE = `deno task bench:jobs [options]
  --data <dir>     ACDC folder in the SSL4MIS h5 layout (default ../shared/data/acdc)
  --cells <n>      grid cells (1Ch U-Nets at sample sizes 15, 20, 25, … %; default 4)
  --epochs <n>     segmenter epochs per cell (default 10)
  --size <px>      image side (default 64)
  --jobs <list>    pool sizes to compare, first is the baseline (default 1,2)
  --rounds <n>     repeat the comparison; each round's ratios, then their median (default 1)
  --backend <name> compute backend (default wasm)
  --probe <s>      seconds per SIMD core-scaling probe before each run, 0 for none (default 3)
  --out <dir>      working folder, emptied first (default out/bench/jobs)`;

const root = new URL("../", import.meta.url).pathname;

interface Options {
  readonly data: string;
  readonly cells: number;
  readonly epochs: number;
  readonly size: number;
  readonly jobs: readonly number[];
  readonly rounds: number;
  readonly backend: string;
  readonly out: string;
  /** Seconds per core-scaling probe before each run; 0 for none. */
  readonly probe: number;
}

const FLAGS = ["data", "cells", "epochs", "size", "jobs", "rounds", "backend", "out", "probe"];

function parse(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: Object.fromEntries(
      FLAGS.map((name) => [name, { type: "string" }]),
    ),
  }) as { values: Record<string, string | undefined> };
  const whole = (name: string, fallback: number) => {
    const value = Number(values[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected n ≥ 1`);
    return value;
  };
  const jobs = (values.jobs ?? "1,2").split(",").map(Number);
  if (jobs.some((j) => !Number.isInteger(j) || j < 1)) throw new Error("--jobs: e.g. 1,2");
  const probe = Number(values.probe ?? 3);
  if (!(probe >= 0)) throw new Error("--probe: expected seconds ≥ 0");
  return {
    data: resolve(values.data ?? join(root, "../shared/data/acdc")),
    cells: whole("cells", 4),
    epochs: whole("epochs", 10),
    size: whole("size", 64),
    jobs,
    rounds: whole("rounds", 1),
    backend: values.backend ?? "wasm",
    out: resolve(values.out ?? "out/bench/jobs"),
    probe,
  };
}

/** The grid: one 1Ch cell per sample size, so every cell needs only data and split. */
function experiment(options: Options) {
  const sampleSizes = Array.from({ length: options.cells }, (_, i) => 15 + 5 * i);
  return {
    name: "jobs-throughput",
    description: "bench/jobs_throughput.ts: 1Ch U-Net cells on ACDC, timed per pool size",
    backend: options.backend,
    seeds: [1],
    dataset: { plugin: "acdc-h5", options: { root: options.data } },
    preprocess: { size: options.size, crop: "heart", cropFraction: 0.65, clip: [1, 99] },
    split: { mode: "predefined", val: 0.2, test: 0.2 },
    classifier: { plugin: "tiny-cnn", options: { filters: 16, blocks: 4 } },
    segmenter: {
      plugin: "tiny-unet",
      options: { depth: 4, filters: 16 },
      training: { epochs: options.epochs, batchSize: 16, learningRate: 0.001, loss: "iou" },
    },
    grid: { channels: ["1Ch"], sampleSizes },
  };
}

/** Runs the CLI; returns its exit code, output and wall seconds. */
async function cli(args: readonly string[], quiet = true) {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "cli.ts"), ...args],
    cwd: root,
    stdout: "piped",
    stderr: quiet ? "piped" : "inherit",
    env: { NO_COLOR: "1" },
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) {
    throw new Error(`cli ${args.join(" ")} exited ${output.code}:\n${text(output.stderr)}`);
  }
  return { stdout: text(output.stdout), seconds };
}

const load = () => loadAverages(readText("/proc/loadavg")) ?? [];
const showLoad = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(" ");

/** Computes the shared data and split steps once, in `<out>/prep`. */
async function prepare(file: string, out: string, backend: string): Promise<string> {
  const prep = join(out, "prep");
  const plan = JSON.parse(
    (await cli(["plan", file, "--json", "--no-estimate", "--out", prep, "--backend", backend]))
      .stdout,
  ) as { steps: { id: string; kind: string }[] };
  for (const step of plan.steps.filter((s) => s.kind === "data" || s.kind === "split")) {
    console.log(`preparing ${step.id}`);
    await cli(["step", file, step.id, "--out", prep, "--backend", backend]);
  }
  return join(prep, "artifacts");
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [a, b] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory) await copyDir(a, b);
    else await Deno.copyFile(a, b);
  }
}

/** One timed run of the grid with `jobs` workers in a fresh folder. */
async function timedRun(
  file: string,
  options: Options,
  prepared: string,
  jobs: number,
  round: number,
) {
  const out = join(options.out, options.rounds > 1 ? `round${round}-jobs${jobs}` : `jobs${jobs}`);
  await copyDir(prepared, join(out, "artifacts"));
  const before = load(); // before the probe, which adds to it
  let cores: CoreScaling | undefined;
  if (options.probe > 0) {
    cores = await coreScaling(Math.max(...options.jobs), options.probe);
    console.log(`--jobs ${jobs}: ${describeScaling(cores)}`);
  }
  console.log(`--jobs ${jobs}: load ${showLoad(before)} …`);
  const { seconds } = await cli([
    "run",
    file,
    "--out",
    out,
    "--jobs",
    String(jobs),
    "--backend",
    options.backend,
  ]);
  const after = load();
  const cellsPerHour = options.cells / seconds * 3600;
  console.log(
    `--jobs ${jobs}: ${options.cells} cells in ${seconds.toFixed(1)} s = ` +
      `${cellsPerHour.toFixed(1)} cells/h (load ${showLoad(before)} → ${showLoad(after)})`,
  );
  return { round, jobs, seconds, cellsPerHour, load: { before, after }, cores };
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes("--help") || args.includes("-h")) return console.log(USAGE);
  const options = parse(args);
  await Deno.remove(options.out, { recursive: true }).catch(() => {});
  await Deno.mkdir(options.out, { recursive: true });
  const file = join(options.out, "experiment.json");
  await Deno.writeTextFile(file, JSON.stringify(experiment(options), null, 2));
  const cpu = cpuModel(readText("/proc/cpuinfo"));
  console.log(
    `${cpu}, ${navigator.hardwareConcurrency} cores, load ${showLoad(load())}; ` +
      `${options.cells} cells of ${options.epochs} epochs at ${options.size}², ${options.backend}`,
  );
  const prepared = await prepare(file, options.out, options.backend);
  const runs = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const jobs of options.jobs) {
      runs.push(await timedRun(file, options, prepared, jobs, round));
    }
  }
  console.log("\nround  jobs  seconds  cells/h  ratio  SIMD scaling  load before → after");
  const ratios = new Map<number, number[]>();
  for (const r of runs) {
    const base = runs.find((b) => b.round === r.round && b.jobs === options.jobs[0])!;
    const ratio = r.cellsPerHour / base.cellsPerHour;
    ratios.set(r.jobs, [...(ratios.get(r.jobs) ?? []), ratio]);
    const scaling = r.cores ? `${r.cores.scaling.toFixed(2)}×` : "–";
    console.log(
      `${String(r.round).padStart(5)}  ${String(r.jobs).padStart(4)}  ` +
        `${r.seconds.toFixed(1).padStart(7)}  ${r.cellsPerHour.toFixed(1).padStart(7)}  ` +
        `${ratio.toFixed(2).padStart(4)}×  ${scaling.padStart(12)}  ` +
        `${showLoad(r.load.before)} → ${showLoad(r.load.after)}`,
    );
  }
  if (options.rounds > 1) {
    for (const [jobs, list] of ratios) {
      console.log(
        `--jobs ${jobs}: median ratio ${median(list).toFixed(2)}× over ${list.length} rounds ` +
          `(${list.map((x) => x.toFixed(2)).join(", ")})`,
      );
    }
  }
  const report = {
    date: new Date().toISOString(),
    command: `deno task bench:jobs ${args.join(" ")}`.trim(),
    machine: { cpu, cores: navigator.hardwareConcurrency, deno: Deno.version.deno },
    options,
    runs,
  };
  await Deno.writeTextFile(join(options.out, "report.json"), JSON.stringify(report, null, 2));
  console.log(`\nwritten to ${join(options.out, "report.json")}`);
}

if (import.meta.main) await main(Deno.args);
