/**
 * While a step runs, what plugins and libraries print with `console.*` (progress chatter,
 * warnings, banners) goes to the step's log file instead of the terminal, where only
 * camprior's own messages appear. camprior's loggers write through the original console.
 *
 * @module
 */
import { format } from "node:util";

/** Where captured lines go (a step's `Logger`; structural, as `logger.ts` imports this file). */
export interface LineSink {
  info(message: string): void;
  warn(message: string): void;
}

const METHODS = ["log", "info", "debug", "warn", "error"] as const;

/** The console methods in place before the running capture, if one runs. */
let outside: { log: typeof console.log; error: typeof console.error } | undefined;

/** For camprior's own terminal output: the console as it is outside any step's capture. */
export const terminal = {
  log: (...args: unknown[]) => (outside?.log ?? console.log)(...args),
  error: (...args: unknown[]) => (outside?.error ?? console.error)(...args),
};

/** Runs `fn` with `console.log/info/debug/warn/error` written to `sink` (one line per call). */
export async function withConsoleTo<T>(sink: LineSink, fn: () => Promise<T>): Promise<T> {
  const saved = METHODS.map((name) => console[name]);
  const previous = outside;
  outside ??= { log: console.log, error: console.error };
  for (const name of METHODS) {
    const write = name === "warn" || name === "error" ? sink.warn : sink.info;
    console[name] = (...args: unknown[]) => write(`[console.${name}] ${format(...args)}`);
  }
  try {
    return await fn();
  } finally {
    METHODS.forEach((name, i) => console[name] = saved[i]);
    outside = previous;
  }
}
