/**
 * One worker process of the local pool: `experiment step <snapshot> --serve`, which runs
 * the step ids it is sent one after another, keeping its backend (and the wasm kernels it
 * compiled) warm between them. What it prints goes to the log file of the step it runs,
 * `<out>/logs/<id>.worker.log`.
 *
 * @module
 */
import { STEP_REPLY_PREFIX, type StepReply, textLines } from "../../../mod.ts";

/** How the pool's own line in a step's worker log starts (which worker, its how-many-th step). */
export const POOL_LINE = "camprior pool: ";

/** A started worker process. */
export class StepWorker {
  readonly child: Deno.ChildProcess;
  /** How many steps it was sent. */
  steps = 0;
  /** Whether the process has ended (an idle worker may die, e.g. killed for memory). */
  exited = false;
  #logPath: string;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #replies: AsyncGenerator<string>;
  #output: Promise<void>;
  #writes: Promise<void> = Promise.resolve();

  /** Starts `deno <args>` with `env`; its output goes to `logPath` until the first step. */
  constructor(args: string[], env: Record<string, string>, logPath: string) {
    this.#logPath = logPath;
    this.child = new Deno.Command(Deno.execPath(), {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env,
    }).spawn();
    this.child.status.then(() => this.exited = true);
    this.#stdin = this.child.stdin.getWriter();
    this.#replies = this.#replyLines(this.child.stdout);
    this.#output = this.#copyToLog(this.child.stderr);
  }

  /**
   * Sends step `id`, its output going to `logPath`; resolves with the worker's reply, or
   * undefined when the worker ended without one (stopped, crashed).
   */
  async send(id: string, logPath: string): Promise<StepReply | undefined> {
    this.#logPath = logPath;
    this.steps++;
    this.#append(`${POOL_LINE}step ${id}, step ${this.steps} of worker ${this.child.pid}\n`);
    try {
      await this.#stdin.write(new TextEncoder().encode(`${id}\n`));
    } catch {
      return undefined; // it has ended: its stdin is closed
    }
    const next = await this.#replies.next();
    if (next.done) return undefined;
    return JSON.parse(next.value.slice(STEP_REPLY_PREFIX.length)) as StepReply;
  }

  /** Resolves once the process has ended and its output is in the log. */
  async ended(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await this.#output;
    await this.#writes;
    return status;
  }

  /** Ends an idle worker (it exits when its stdin ends); resolves when it has. */
  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    await this.ended();
  }

  /** Stops the worker's step (SIGINT): it discards the unfinished artifact and exits 130. */
  interrupt(): void {
    this.#signal("SIGINT");
  }

  /** Kills the process at once. */
  kill(): void {
    this.#signal("SIGKILL");
  }

  #signal(signal: Deno.Signal) {
    try {
      this.child.kill(signal);
    } catch { /* already gone */ }
  }

  /** The reply lines of stdout; anything else printed there goes to the log. */
  async *#replyLines(stdout: ReadableStream<Uint8Array>): AsyncGenerator<string> {
    for await (const line of textLines(stdout)) {
      if (line.startsWith(STEP_REPLY_PREFIX)) yield line;
      else this.#append(`${line}\n`);
    }
  }

  async #copyToLog(stream: ReadableStream<Uint8Array>) {
    for await (const chunk of stream) this.#append(chunk);
  }

  /** Appends to the current log file, in order. */
  #append(data: string | Uint8Array) {
    const path = this.#logPath;
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.#writes = this.#writes.then(() =>
      Deno.writeFile(path, bytes, { append: true, create: true }).catch(() => {})
    );
  }
}
