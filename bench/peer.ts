/**
 * The PyTorch peer: finds a Python with torch, runs `peer_torch.py` on the same
 * workloads in a child process, and reads its timings back.
 *
 * @module
 */
import type { TimingPlan } from "./timing.ts";
import type { Workload } from "./workloads.ts";

/** Pythons tried in turn when none is given (Debian's python3-torch lives in /usr/bin). */
export const PYTHON_CANDIDATES = ["python3", "/usr/bin/python3"] as const;

/** One workload's PyTorch timing, or why it failed. */
export interface PeerResult {
  readonly name: string;
  readonly medianMs?: number;
  readonly samplesMs?: readonly number[];
  /** The peer process's CPU time per run. */
  readonly cpuMedianMs?: number;
  readonly cpuSamplesMs?: readonly number[];
  readonly error?: string;
}

/** What the peer reports. */
export interface PeerReport {
  readonly python: string;
  readonly torch: string;
  readonly threads: number;
  readonly device: string;
  readonly results: readonly PeerResult[];
}

/** Runs `python args…`: its success and output; a missing binary is a failure, not a throw. */
async function runPython(
  python: string,
  args: string[],
  stdin?: string,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const child = new Deno.Command(python, {
      args,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
    }
    const { success, stdout, stderr } = await child.output();
    const text = new TextDecoder();
    return { ok: success, stdout: text.decode(stdout), stderr: text.decode(stderr) };
  } catch (error) {
    return { ok: false, stdout: "", stderr: String(error) };
  }
}

/** The first of `candidates` that can `import torch`, or undefined. */
export async function findTorchPython(
  candidates: readonly string[] = PYTHON_CANDIDATES,
): Promise<string | undefined> {
  for (const python of candidates) {
    if ((await runPython(python, ["-c", "import torch"])).ok) return python;
  }
  return undefined;
}

/** The peer's JSON result entry, in this module's names. */
interface RawResult {
  name: string;
  median_ms?: number;
  samples_ms?: number[];
  cpu_median_ms?: number;
  cpu_samples_ms?: number[];
  error?: string;
}

/** Times `workloads` in PyTorch on `device` with `threads` CPU threads. */
export async function runPeer(
  python: string,
  workloads: readonly Workload[],
  plan: TimingPlan & { readonly threads: number; readonly device: "cpu" | "cuda" },
): Promise<PeerReport> {
  const script = new URL("./peer_torch.py", import.meta.url).pathname;
  const spec = {
    warmup: plan.warmup,
    repeats: plan.repeats,
    threads: plan.threads,
    device: plan.device,
    workloads,
  };
  const { ok, stdout, stderr } = await runPython(python, [script], JSON.stringify(spec));
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (!ok || !last.startsWith("{")) {
    throw new Error(`peer_torch.py failed: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  const raw = JSON.parse(last) as {
    torch: string;
    threads: number;
    device: string;
    results: RawResult[];
  };
  return {
    python,
    torch: raw.torch,
    threads: raw.threads,
    device: raw.device,
    results: raw.results.map((r) => ({
      name: r.name,
      medianMs: r.median_ms,
      samplesMs: r.samples_ms,
      cpuMedianMs: r.cpu_median_ms,
      cpuSamplesMs: r.cpu_samples_ms,
      error: r.error,
    })),
  };
}
