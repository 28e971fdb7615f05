/**
 * Error classes that carry a user-facing message and a process exit code.
 *
 * @module
 */

/** An error meant for the user: its message names the culprit and what to do. */
export class CampriorError extends Error {
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = "CampriorError";
    this.exitCode = exitCode;
  }
}

/** A bad experiment file, option or plugin reference (exit code 2). */
export class ConfigError extends CampriorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
    this.name = "ConfigError";
  }
}

/** The run was stopped by the user (Ctrl-C); exit code 130 as shells expect. */
export class InterruptedError extends CampriorError {
  constructor(message = "interrupted") {
    super(message, 130);
    this.name = "InterruptedError";
  }
}

/** Throws {@linkcode InterruptedError} when the signal has been aborted. */
export function throwIfInterrupted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new InterruptedError(`interrupted during ${what}`);
}

/**
 * How a step's failure is told: a {@linkcode CampriorError}'s own message (written for
 * people), anything else with its error name in front.
 */
export function errorText(error: unknown): string {
  return error instanceof CampriorError
    ? error.message
    : `${(error as Error).name}: ${(error as Error).message}`;
}
