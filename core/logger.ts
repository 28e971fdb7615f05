/**
 * A small logger interface so plugins and the runner report without knowing where
 * the text goes (terminal, log file, test capture).
 *
 * @module
 */

/** Where progress notes go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that writes to stderr, keeping stdout for results. */
export const consoleLogger: Logger = {
  info: (message) => console.error(message),
  warn: (message) => console.error(`warning: ${message}`),
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
