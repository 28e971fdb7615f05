/**
 * How well this machine's cores scale on SIMD arithmetic right now: a wasm loop of
 * independent `f32x4` multiply-add chains (throughput-bound, as the convolution kernels
 * are) run in one process alone, then in `processes` processes at once; scaling = their
 * summed rate over the lone rate. On a quiet machine with one core per process it is close
 * to the process count. Less means the cores are shared with something the guest may not
 * see: on the 2-core dev VM one vCPU at a time intermittently ran this loop 15–35% slower
 * (another tenant on the host core behind it, presumably), which caps what `--jobs 2` can
 * gain there. `deno task bench:jobs` measures it before every timed run.
 *
 * ```sh
 * deno run -A bench/core_scaling.ts --processes 2 --seconds 4
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Code, F32, I32, instantiate, V128 } from "../plugins/backend/wasm/emit.ts";

/** Independent accumulator chains: enough to keep the SIMD units busy, not latency-bound. */
const CHAINS = 8;
/** Floating-point operations per loop iteration: a multiply and an add per lane and chain. */
const FLOPS_PER_ITERATION = CHAINS * 4 * 2;

/** The generated loop, and where it leaves its result. */
export interface SimdSpin {
  /** Runs every chain `a ← a·m + c` `iterations` times, its lanes starting at 0. */
  run(iterations: number, m: number, c: number): void;
  /** The first chain's four lanes after the last run (stored, so the work cannot be dropped). */
  firstChain(): Float32Array;
}

/** Generates and compiles the spin loop. */
export function simdSpin(): SimdSpin {
  const code = new Code([I32, F32, F32]);
  const [mul, add, i] = [code.local(V128), code.local(V128), code.local(I32)];
  const chains = Array.from({ length: CHAINS }, () => code.local(V128));
  code.get(1).vSplat().set(mul).get(2).vSplat().set(add);
  code.forUp(i, 0, 0, 1, () => {
    for (const a of chains) code.get(a).get(mul).vMul().get(add).vAdd().set(a);
  });
  code.i32(0).get(chains[0]).vStore();
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { spin } = instantiate([{ name: "spin", code }], memory);
  return {
    run: (iterations, m, c) => {
      if (!(iterations >= 1)) throw new RangeError("spin: iterations must be ≥ 1");
      spin(iterations, m, c);
    },
    firstChain: () => new Float32Array(memory.buffer, 0, 4).slice(),
  };
}

/** GFLOP/s of the spin loop in this thread over about `seconds` (after a short warm-up). */
export function simdRate(seconds: number): number {
  const spin = simdSpin();
  const chunk = 2_000_000;
  spin.run(chunk, 0.999, 1e-3); // tier-up before timing
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    spin.run(chunk, 0.999, 1e-3);
    iterations += chunk;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return iterations * FLOPS_PER_ITERATION / elapsed / 1e9;
}

/** What {@linkcode coreScaling} measured. */
export interface CoreScaling {
  /** GFLOP/s of one process alone. */
  readonly alone: number;
  /** GFLOP/s of each of the processes run at once. */
  readonly together: readonly number[];
  /** Summed rate of the processes at once over the lone rate. */
  readonly scaling: number;
}

const self = new URL(import.meta.url).pathname;

/** Runs `count` probe processes at once for `seconds`; resolves with each one's GFLOP/s. */
async function probes(count: number, seconds: number): Promise<number[]> {
  const runs = Array.from({ length: count }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", self, "--probe", String(seconds)],
      stdout: "piped",
      stderr: "piped",
    }).output());
  return (await Promise.all(runs)).map((output) => {
    const text = new TextDecoder().decode(output.stdout).trim();
    const rate = Number(text);
    if (!output.success || !Number.isFinite(rate)) {
      throw new Error(`core_scaling probe failed: ${new TextDecoder().decode(output.stderr)}`);
    }
    return rate;
  });
}

/** Lone rate, then `processes` at once, each for about `seconds`. */
export async function coreScaling(processes: number, seconds: number): Promise<CoreScaling> {
  const [alone] = await probes(1, seconds);
  const together = await probes(processes, seconds);
  return { alone, together, scaling: together.reduce((s, r) => s + r, 0) / alone };
}

/** One line: `SIMD scaling 1.97× (alone 40.1, at once 39.8 + 39.2 GFLOP/s)`. */
export function describeScaling(s: CoreScaling): string {
  return `SIMD scaling ${s.scaling.toFixed(2)}× (alone ${s.alone.toFixed(1)}, at once ` +
    `${s.together.map((r) => r.toFixed(1)).join(" + ")} GFLOP/s)`;
}

async function main(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      probe: { type: "string" },
      processes: { type: "string", default: String(navigator.hardwareConcurrency) },
      seconds: { type: "string", default: "4" },
    },
  });
  if (values.probe !== undefined) return console.log(simdRate(Number(values.probe)));
  const scaling = await coreScaling(Number(values.processes), Number(values.seconds));
  console.log(describeScaling(scaling));
}

if (import.meta.main) await main(Deno.args);
