/**
 * The local executor's pool of worker processes. A worker is `experiment step <snapshot>
 * --serve --out <out> --backend <name>`: it runs the steps it is sent one after another, as
 * a Slurm task runs one, writing into the same artifact store, and stays for the next step,
 * so the backend's start-up and its compiled kernels are paid once per worker. Each step's
 * console output goes to `<out>/logs/<id>.worker.log` (its own log is `<out>/logs/<id>.log`).
 * Stopping the pool sends the busy workers SIGINT: they discard their unfinished artifact
 * folders and exit 130. Workers run under the run's lock and take none; they watch the run
 * process and stop when it is gone, and the run kills them when it quits.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import {
  type ArtifactStore,
  CampriorError,
  InterruptedError,
  type Logger,
  POOL_PARENT_ENV,
  type Step,
  stepLogPath,
} from "../../../mod.ts";
import { cliDenoArgs } from "../cli_entry.ts";
import { POOL_LINE, StepWorker } from "./step_worker.ts";

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
const live = new Set<StepWorker>();
let unloadHooked = false;

function killLiveOnExit() {
  if (unloadHooked) return;
  unloadHooked = true;
  globalThis.addEventListener("unload", () => {
    for (const worker of live) worker.kill();
  });
}

/** The command line of a worker (after `deno`): `step <snapshot> --serve …`. */
export function workerArgs(setup: WorkerSetup): string[] {
  const flags = ["--serve", "--out", resolve(setup.outDir), "--backend", setup.backend];
  // As given, not resolved: the dataset root is part of the data step's settings (so of its
  // id), and a worker runs in the run's working directory, where the same path means the same.
  if (setup.data !== undefined) flags.push("--data", setup.data);
  return [...cliDenoArgs(), "step", setup.experiment, ...flags];
}

/** A pool of worker processes, each running steps one after another. */
export interface WorkerPool {
  /**
   * Runs `step` in an idle worker, or a new one; resolves when its artifact is in the store.
   * Rejects with {@linkcode InterruptedError} when stopped through `stop`, otherwise with
   * the step's failure (or the worker's exit code and last output lines) naming the step.
   */
  run(step: Step, stop: AbortSignal): Promise<void>;
  /** Ends the idle workers; resolves when they have exited. */
  close(): Promise<void>;
}

/**
 * A pool whose workers stay for the next step, unless a step failed in one or it holds more
 * than `retireAboveMiB` of memory afterwards (loaded maps, a grown wasm heap).
 */
export function workerPool(setup: WorkerSetup, retireAboveMiB: number): WorkerPool {
  const idle: StepWorker[] = [];
  const retire = async (worker: StepWorker) => {
    await worker.close();
    live.delete(worker);
  };
  return {
    run: async (step, stop) => {
      const logPath = workerLogPath(setup.outDir, step.id);
      await Deno.mkdir(dirname(logPath), { recursive: true });
      let worker = idle.pop();
      while (worker?.exited) { // it died while idle: its step was never sent
        live.delete(worker);
        worker = idle.pop();
      }
      worker ??= startWorker(setup, logPath);
      let rssMiB: number;
      try {
        rssMiB = await runIn(worker, setup, step, stop, logPath);
      } catch (error) {
        await retire(worker); // after a failure, the next step gets a fresh process
        throw error;
      }
      if (rssMiB <= retireAboveMiB) idle.push(worker);
      else await retire(worker);
    },
    close: async () => {
      await Promise.all(idle.splice(0).map(retire));
    },
  };
}

function startWorker(setup: WorkerSetup, logPath: string): StepWorker {
  killLiveOnExit();
  const env = { [POOL_PARENT_ENV]: String(Deno.pid) };
  const worker = new StepWorker(workerArgs(setup), env, logPath);
  live.add(worker);
  return worker;
}

/** Runs `step` in `worker`; resolves with the worker's memory afterwards (MiB). */
async function runIn(
  worker: StepWorker,
  setup: WorkerSetup,
  step: Step,
  stop: AbortSignal,
  logPath: string,
): Promise<number> {
  const interrupt = () => worker.interrupt();
  stop.addEventListener("abort", interrupt, { once: true });
  if (stop.aborted) interrupt();
  try {
    const reply = await worker.send(step.id, logPath);
    if (reply === undefined) {
      const status = await worker.ended();
      if (stop.aborted && (status.code === INTERRUPTED_EXIT || status.signal !== null)) {
        throw new InterruptedError(`${step.label} was stopped`);
      }
      throw await workerFailure(status, logPath);
    }
    if (reply.status === "failed") {
      throw new CampriorError(`${reply.error} (log: ${stepLogPath(setup.outDir, step.id)})`);
    }
    if (!(await setup.store.has(step.id))) {
      throw new CampriorError(
        `${step.label}: the worker reported it done, but its artifact is not in the store ` +
          `(log: ${logPath})`,
      );
    }
    await relaySummary(setup, step);
    return reply.rssMiB;
  } finally {
    stop.removeEventListener("abort", interrupt);
  }
}

/**
 * Why a worker ended without answering: its exit code or signal and its last output lines.
 * (A failing step is answered, with its error; this is a worker that died.)
 */
async function workerFailure(status: Deno.CommandStatus, logPath: string): Promise<CampriorError> {
  const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  const tail = (await Deno.readTextFile(logPath).catch(() => "")).trim().split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith(POOL_LINE)).slice(-3).join(" | ");
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
