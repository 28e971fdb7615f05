/**
 * Command-line options of `deno task bench`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Suite, SUITES } from "./workloads.ts";

/**
 * Backends the benchmark can start; `wasm-stock` and `webgpu-stock` run tfjs' own kernels
 * where camprior has faster ones.
 */
export const BENCH_BACKENDS = [
  "wasm",
  "wasm-stock",
  "cpu",
  "webgpu",
  "webgpu-stock",
  "tensorflow",
] as const;

/** Everything one benchmark run needs to know. */
export interface BenchOptions {
  readonly backends: readonly string[];
  readonly suites: readonly Suite[];
  readonly quick: boolean;
  readonly warmup: number;
  readonly repeats: number;
  readonly batch: number;
  readonly size: number;
  readonly matmul: readonly number[];
  /** More conv2d kernel shapes `[N, H, W, C]` (3×3, C → C), besides the U-Net's. */
  readonly convs: readonly (readonly [number, number, number, number])[];
  /** Runs per read-back; undefined: 10 on webgpu, 1 elsewhere. */
  readonly inner?: number;
  /** Times each workload (and the peer) is measured, alternating, with the load noted. */
  readonly rounds: number;
  /** Epochs of the U-Net cell (`cell` suite). */
  readonly cellEpochs: number;
  /** Also time the workloads in PyTorch (`bench/peer_torch.py`). */
  readonly peer: boolean;
  /** Python for the peer; default: the first of `python3`, `/usr/bin/python3` with torch. */
  readonly python?: string;
  /** PyTorch CPU threads (1 matches single-threaded tfjs wasm). */
  readonly peerThreads: number;
  /** PyTorch device: `cpu`, or `cuda` next to a GPU backend. */
  readonly peerDevice: "cpu" | "cuda";
  /** Also profile one run of each model workload, kernel by kernel. */
  readonly profile: boolean;
  /** wasm threads: 1 (default) or more through the experimental `wasm_threads.ts`. */
  readonly threads: number;
  /** Where the JSON report goes. */
  readonly out: string;
}

/** Usage text for `--help`. */
export const USAGE = `deno task bench [options]
  --backend NAME     ${BENCH_BACKENDS.join(" | ")} (repeat or comma-separate; default wasm)
  --only SUITE       ${SUITES.join(" | ")} (repeat or comma-separate; default all)
  --quick            small shapes and repeats (wasm: ~10 s on 2 cores)
  --warmup N         untimed runs first (default 2, quick 1)
  --repeats N        timed runs; the median is reported (default 5, quick 2)
  --rounds N         rounds of all workloads and the peer, one after the other, each
                     with its own load averages and ratios (default 3, quick 1)
  --cell-epochs N    epochs of the U-Net cell (suite cell; default 5, quick 2)
  --batch N          batch size (default 8, quick 4)
  --size N           image side (default 128, quick 64)
  --matmul N,...     square matmul sides (default 1024,2048; quick 512)
  --conv NxHxWxC     also time conv2d kernels at this input (3x3, C to C; repeatable)
  --inner N          runs per read-back (default 10 on webgpu, 1 elsewhere)
  --peer             time the same shapes in PyTorch too and print ratios
  --python PATH      python with torch for --peer
  --peer-threads N   PyTorch threads (default 1)
  --peer-device D    cpu | cuda (default cpu)
  --profile          time each kernel of one run of every model workload
  --threads N        wasm threads (default 1; >1 is experimental)
  --out FILE         JSON report (default out/bench/<date>.json)`;

const DEFAULTS = {
  warmup: 2,
  repeats: 5,
  rounds: 3,
  cellEpochs: 5,
  batch: 8,
  size: 128,
  matmul: [1024, 2048],
};
const QUICK = {
  warmup: 1,
  repeats: 2,
  rounds: 1,
  cellEpochs: 2,
  batch: 4,
  size: 64,
  matmul: [512],
};

/** Splits repeated and comma-separated values: `["a,b", "c"]` → `["a", "b", "c"]`. */
function listOf(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(",")).map((v) => v.trim()).filter(
    (v) => v !== "",
  );
}

/** A whole number ≥ `min` from a flag, or `fallback` when the flag is absent. */
function intOf(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new RangeError(`--${flag} must be a whole number ≥ ${min}, got "${value}"`);
  }
  return parsed;
}

/** Each of `values` checked against `allowed`. */
function oneOf<T extends string>(values: string[], allowed: readonly T[], flag: string): T[] {
  for (const value of values) {
    if (!allowed.includes(value as T)) {
      throw new RangeError(`--${flag} "${value}" is not one of ${allowed.join(", ")}`);
    }
  }
  return values as T[];
}

/** `[N, H, W, C]` from `--conv NxHxWxC`. */
function convShapeOf(value: string): [number, number, number, number] {
  const parts = value.split("x").map((part) => Number(part));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new RangeError(`--conv must look like 32x128x128x32 (N x H x W x C), got "${value}"`);
  }
  return parts as [number, number, number, number];
}

/** Runs per read-back on `backend`: `--inner`, else 10 on webgpu (~11 ms per read-back). */
export function innerRuns(options: Pick<BenchOptions, "inner">, backend: string): number {
  return options.inner ?? (backend.startsWith("webgpu") ? 10 : 1);
}

/** `out/bench/2026-11-27T21-05-09.json` for a run started at `now` (UTC). */
export function defaultOutPath(now: Date): string {
  return `out/bench/${now.toISOString().slice(0, 19).replaceAll(":", "-")}.json`;
}

/** Parses the command line; throws a `RangeError` naming the flag on bad values. */
export function parseBenchArgs(argv: readonly string[], now = new Date()): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      backend: { type: "string", multiple: true },
      only: { type: "string", multiple: true },
      quick: { type: "boolean", default: false },
      warmup: { type: "string" },
      repeats: { type: "string" },
      rounds: { type: "string" },
      "cell-epochs": { type: "string" },
      batch: { type: "string" },
      size: { type: "string" },
      matmul: { type: "string" },
      conv: { type: "string", multiple: true },
      inner: { type: "string" },
      peer: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      python: { type: "string" },
      "peer-threads": { type: "string" },
      "peer-device": { type: "string" },
      threads: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  const base = values.quick ? QUICK : DEFAULTS;
  const backends = oneOf(listOf(values.backend), BENCH_BACKENDS, "backend");
  const suites = oneOf(listOf(values.only), SUITES, "only");
  const matmul = values.matmul === undefined
    ? base.matmul
    : listOf([values.matmul]).map((n) => intOf(n, "matmul", 0));
  return {
    backends: backends.length > 0 ? backends : ["wasm"],
    suites: suites.length > 0 ? suites : [...SUITES],
    quick: values.quick,
    warmup: intOf(values.warmup, "warmup", base.warmup, 0),
    repeats: intOf(values.repeats, "repeats", base.repeats),
    rounds: intOf(values.rounds, "rounds", base.rounds),
    cellEpochs: intOf(values["cell-epochs"], "cell-epochs", base.cellEpochs),
    batch: intOf(values.batch, "batch", base.batch),
    size: intOf(values.size, "size", base.size, 8),
    matmul,
    convs: listOf(values.conv).map(convShapeOf),
    inner: values.inner === undefined ? undefined : intOf(values.inner, "inner", 1),
    peer: values.peer,
    python: values.python,
    peerThreads: intOf(values["peer-threads"], "peer-threads", 1),
    peerDevice:
      oneOf(listOf([values["peer-device"] ?? "cpu"]), ["cpu", "cuda"] as const, "peer-device")[0],
    profile: values.profile,
    threads: intOf(values.threads, "threads", 1),
    out: values.out ?? defaultOutPath(now),
  };
}
