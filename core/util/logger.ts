/**
 * A small logger interface so plugins and the runner report without knowing where
 * the text goes (terminal, log file, test capture).
 *
 * @module
 */
import { dirname } from "node:path";
import { fsError } from "./fs_errors.ts";
import { terminal } from "./console_capture.ts";

/** Where progress notes go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that writes to stderr, keeping stdout for results (even while a step runs). */
export const consoleLogger: Logger = {
  info: (message) => terminal.error(message),
  warn: (message) => terminal.error(`warning: ${message}`),
};

/** A logger that keeps messages in memory, for tests. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
  };
}

/** A logger appending timestamped lines to a file (created with its folder). */
export function fileLogger(path: string): Logger {
  const write = (line: string) => {
    try {
      Deno.mkdirSync(dirname(path), { recursive: true });
      Deno.writeTextFileSync(path, `${new Date().toISOString()} ${line}\n`, { append: true });
    } catch (error) {
      throw fsError(error, path);
    }
  };
  return { info: write, warn: (message) => write(`warning: ${message}`) };
}

/** A logger that writes every message to each of `loggers`. */
export function teeLogger(...loggers: readonly Logger[]): Logger {
  return {
    info: (message) => loggers.forEach((l) => l.info(message)),
    warn: (message) => loggers.forEach((l) => l.warn(message)),
  };
}
