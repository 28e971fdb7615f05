/**
 * One worker of the local process pool: `experiment step <snapshot> <id> --out <out>
 * --backend <name>` in a child process, as a Slurm task runs it, writing into the same
 * artifact store. Its console output goes to `<out>/logs/<id>.worker.log` (the step's own
 * log is `<out>/logs/<id>.log`). Stopping the pool sends the worker SIGINT: it discards its
 * unfinished artifact folder and exits 130. Workers run under the run's lock and take none;
 * they watch the run process and stop when it is gone, and the run kills them when it quits.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import {
  type ArtifactStore,
  CampriorError,
  failurePath,
  InterruptedError,
  type Logger,
  POOL_PARENT_ENV,
  type Step,
  stepLogPath,
} from "../../../mod.ts";
import { cliDenoArgs } from "../cli_entry.ts";

/** What every worker of a run starts with. */
export interface WorkerSetup {
  /** The run's log, told what each finished step reported (its IoU, accuracy …). */
  readonly log: Logger;
  /** The experiment snapshot the workers load (`--set` applied, plugin paths absolute). */
  readonly experiment: string;
  readonly outDir: string;
  /** Backend plugin name, pinned so the workers' step ids match the run's. */
  readonly backend: string;
  /** The run's `--data`, if any. */
  readonly data?: string;
  readonly store: ArtifactStore;
}

/** Path of a worker's console output. */
export function workerLogPath(outDir: string, id: string): string {
  return join(outDir, "logs", `${id}.worker.log`);
}

/** Exit code of a step process stopped by Ctrl-C. */
const INTERRUPTED_EXIT = 130;

/** Live workers, killed when this process exits (a second Ctrl-C, an uncaught error). */
const live = new Set<Deno.ChildProcess>();
let unloadHooked = false;

function killLiveOnExit() {
  if (unloadHooked) return;
  unloadHooked = true;
  globalThis.addEventListener("unload", () => {
    for (const child of live) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  });
}

/** The `step` command line of a worker (after `deno`). */
export function workerArgs(setup: WorkerSetup, id: string): string[] {
  const flags = ["--out", resolve(setup.outDir), "--backend", setup.backend];
  // As given, not resolved: the dataset root is part of the data step's settings (so of its
  // id), and a worker runs in the run's working directory, where the same path means the same.
  if (setup.data !== undefined) flags.push("--data", setup.data);
  return [...cliDenoArgs(), "step", setup.experiment, id, ...flags];
}

/**
 * Runs `step` in a worker process; resolves when its artifact is in the store. Rejects with
 * {@linkcode InterruptedError} when stopped through `stop`, otherwise with the step's
 * recorded failure (or the worker's exit code and last output lines) naming the step.
 */
export async function runInWorker(
  setup: WorkerSetup,
  step: Step,
  stop: AbortSignal,
): Promise<void> {
  const logPath = workerLogPath(setup.outDir, step.id);
  await Deno.mkdir(dirname(logPath), { recursive: true });
  const startedAt = Date.now();
  killLiveOnExit();
  const { child, output } = spawnLogged(workerArgs(setup, step.id), logPath);
  live.add(child);
  const interrupt = () => {
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
  };
  stop.addEventListener("abort", interrupt, { once: true });
  if (stop.aborted) interrupt();
  try {
    const [status] = await Promise.all([child.status, output]);
    if (status.success) {
      if (await setup.store.has(step.id)) return await relaySummary(setup, step);
      throw new CampriorError(
        `${step.label}: the worker ended without its artifact (log: ${logPath})`,
      );
    }
    if (stop.aborted && (status.code === INTERRUPTED_EXIT || status.signal !== null)) {
      throw new InterruptedError(`${step.label} was stopped`);
    }
    throw await workerFailure(setup, step, status, startedAt, logPath);
  } finally {
    live.delete(child);
    stop.removeEventListener("abort", interrupt);
  }
}

/**
 * Starts `deno <args>` with its output appended to `logPath`. On POSIX systems a shell
 * redirects it, so the worker never writes into a pipe whose reader may be gone (a killed
 * run); elsewhere this process copies its pipes into the file.
 */
function spawnLogged(args: string[], logPath: string) {
  const env = { [POOL_PARENT_ENV]: String(Deno.pid), CAMPRIOR_WORKER_LOG: logPath };
  if (Deno.build.os !== "windows") {
    const child = new Deno.Command("/bin/sh", {
      args: ["-c", 'exec "$0" "$@" >>"$CAMPRIOR_WORKER_LOG" 2>&1', Deno.execPath(), ...args],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      env,
    }).spawn();
    return { child, output: Promise.resolve() };
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  const append = () => Deno.open(logPath, { create: true, append: true });
  const output = Promise.all([append(), append()]).then(([out, err]) =>
    Promise.all([child.stdout.pipeTo(out.writable), child.stderr.pipeTo(err.writable)])
  );
  return { child, output };
}

/** The step's failure record when this worker wrote one, else its exit and last lines. */
async function workerFailure(
  setup: WorkerSetup,
  step: Step,
  status: Deno.CommandStatus,
  startedAt: number,
  logPath: string,
): Promise<CampriorError> {
  const record = failurePath(setup.outDir, step.id);
  try {
    const written = (await Deno.stat(record)).mtime?.getTime() ?? 0;
    if (written >= startedAt - 1000) {
      const { error } = JSON.parse(await Deno.readTextFile(record));
      return new CampriorError(`${error} (log: ${stepLogPath(setup.outDir, step.id)})`);
    }
  } catch { /* no record: the worker died before it could write one */ }
  const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  const tail = (await Deno.readTextFile(logPath).catch(() => "")).trim().split("\n")
    .filter((line) => line.trim() !== "").slice(-3).join(" | ");
  return new CampriorError(
    `the worker running it ${how}${tail ? `: ${tail}` : ""} (log: ${logPath})`,
  );
}

/**
 * Passes on what a finished step reported in its log (`… mean IoU 0.81`, warnings), as the
 * run prints it for steps it runs itself; epoch lines and what plugins printed (`[console.*]`)
 * stay in the log.
 */
async function relaySummary(setup: WorkerSetup, step: Step): Promise<void> {
  const text = await Deno.readTextFile(stepLogPath(setup.outDir, step.id)).catch(() => "");
  const lines = text.trimEnd().split("\n").map((line) => line.replace(/^\S+ /, ""));
  const start = lines.findLastIndex((line) => line.startsWith("start "));
  for (const line of lines.slice(start + 1)) {
    if (line === "finished" || /^epoch \d+\/\d+/.test(line)) continue;
    // What plugins printed stays in the step log, as for steps the run runs itself.
    if (/^(warning: )?\[console\.\w+\] /.test(line)) continue;
    if (line.startsWith("warning: ")) setup.log.warn(line.slice("warning: ".length));
    else setup.log.info(line);
  }
}
