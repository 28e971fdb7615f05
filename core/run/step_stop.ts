/**
 * When a `step` process stops early: Ctrl-C or SIGTERM (another one quits at once), or, for
 * a worker of a local process pool, its run process going away (killed with -9). The step
 * then ends with an interruption at its next check: its half-written artifact folder is
 * removed and no failure is recorded, so a later run computes it again.
 *
 * @module
 */

/** Environment variable a process pool sets for its workers: the run process's pid. */
export const POOL_PARENT_ENV = "CAMPRIOR_POOL_PARENT";

/** A second stop signal sooner than this after the first is the same Ctrl-C. */
const REPEAT_MS = 2000;

/** How often a pool worker checks that its run process is still there. */
const PARENT_CHECK_MS = 1000;

/** A stop signal for a step process; `dispose` removes the listeners. */
export interface StepStop {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** The signals that stop a step (SIGTERM is what Slurm sends on `scancel`). */
function stopSignals(): Deno.Signal[] {
  return Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
}

/** Aborts on SIGINT/SIGTERM, and in a pool worker when the run process is gone. */
export function stepStop(log: (message: string) => void = console.error): StepStop {
  const controller = new AbortController();
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    controller.abort();
    try {
      log(`${why}: stopping the step (its unfinished output is discarded)`);
    } catch { /* no one reads our output any more */ }
  };
  let firstSignal = 0;
  const onSignal = () => {
    // A pool worker gets Ctrl-C twice at once: from the terminal and from its run process.
    if (controller.signal.aborted) {
      if (performance.now() - firstSignal > REPEAT_MS) Deno.exit(130);
      return;
    }
    firstSignal = performance.now();
    stop("interrupted");
  };
  const signals = stopSignals();
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  const parent = Number(Deno.env.get(POOL_PARENT_ENV));
  const timer = Number.isInteger(parent) && parent > 0
    ? setInterval(() => {
      if (Deno.ppid !== parent) stop(`the run process ${parent} is gone`);
    }, PARENT_CHECK_MS)
    : undefined;
  if (timer !== undefined) Deno.unrefTimer(timer);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
