/**
 * `experiment step <file> --serve`: a pool worker that runs many steps, one after another,
 * in one process, so the backend's start-up and what it compiles for a network's shapes
 * (the wasm kernels, V8's code for them) are paid once per worker instead of once per step.
 *
 * Protocol: the pool writes a step id per line to the worker's stdin; for each, the worker
 * answers one line on stdout, {@linkcode STEP_REPLY_PREFIX} followed by a
 * {@linkcode StepReply} as JSON. Everything else it prints goes to stderr. The worker exits
 * 0 when stdin ends, and 130 when stopped (Ctrl-C, SIGTERM, its run process gone): the
 * running step's unfinished artifact is then discarded, as for `step`.
 *
 * @module
 */
import type { Experiment } from "../config/experiment.ts";
import type { Registry } from "../plugin/registry.ts";
import { errorText, InterruptedError } from "../util/errors.ts";
import { openStepRunner, type StepOptions, type StepRunner } from "./step_command.ts";
import { textLines } from "../util/text_lines.ts";

/** What starts a reply line on the worker's stdout. */
export const STEP_REPLY_PREFIX = "camprior-step ";

/** The worker's answer to one step id. */
export interface StepReply {
  readonly id: string;
  /** done: computed now; reused: it was already finished; failed: see `error`. */
  readonly status: "done" | "reused" | "failed";
  readonly error?: string;
  /** The worker's resident memory after the step, in MiB (the pool retires big workers). */
  readonly rssMiB: number;
}

/** Where the server reads ids from and writes replies to (stdin/stdout, or a test's). */
export interface ServeChannels {
  readonly input: ReadableStream<Uint8Array>;
  readonly reply: (line: string) => Promise<void>;
}

/**
 * Runs the steps whose ids arrive on `input` until it ends; throws
 * {@linkcode InterruptedError} when stopped through `options.signal`.
 */
export async function serveSteps(
  experiment: Experiment,
  registry: Registry,
  options: StepOptions,
  channels: ServeChannels,
): Promise<void> {
  const run = await openStepRunner(experiment, registry, options);
  const ids = textLines(channels.input);
  while (true) {
    const next = await untilStopped(ids.next(), options.signal);
    if (next.done) return;
    const id = next.value.trim();
    if (id === "") continue;
    const reply = await answer(run, id, options.signal);
    await channels.reply(`${STEP_REPLY_PREFIX}${JSON.stringify(reply)}\n`);
  }
}

/** `promise`, or an {@linkcode InterruptedError} as soon as `signal` aborts. */
function untilStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError("stopped while idle"));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError("stopped while idle"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function answer(
  run: StepRunner,
  id: string,
  signal: AbortSignal,
): Promise<StepReply> {
  try {
    const computed = await run(id);
    return { id, status: computed ? "done" : "reused", rssMiB: rssMiB() };
  } catch (error) {
    if (error instanceof InterruptedError || signal.aborted) throw error;
    return { id, status: "failed", error: errorText(error), rssMiB: rssMiB() };
  }
}

function rssMiB(): number {
  return Math.round(Deno.memoryUsage().rss / 2 ** 20);
}
