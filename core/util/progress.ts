/**
 * Progress reporting for long steps, so the runner does not care whether it draws bars
 * on a terminal, writes log lines, or stays silent in tests.
 *
 * @module
 */

/** One long step with a known number of units (epochs, batches …). */
export interface ProgressTask {
  /** Sets the number of finished units and an optional detail (e.g. `loss 0.41`). */
  update(done: number, detail?: string): void;
  /** Ends the task. */
  finish(): void;
}

/** Starts progress tasks. */
export interface Progress {
  start(label: string, total: number): ProgressTask;
}

/** Progress that shows nothing. */
export const silentProgress: Progress = {
  start: () => ({ update() {}, finish() {} }),
};
