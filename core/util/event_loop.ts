/**
 * Letting the event loop run inside long synchronous work. Training runs kernel after
 * kernel without giving the event loop a turn (reading results back resolves at once on
 * the CPU backends), so Ctrl-C listeners and timers (a pool worker watching its run
 * process) would wait for the whole step; a turn every so often lets them in.
 *
 * @module
 */

/** Least time between two turns given to the event loop. */
const EVERY_MS = 100;

let lastTurn = 0;

/** Gives the event loop a turn when the last one was more than 100 ms ago. */
export async function letEventsIn(): Promise<void> {
  const now = performance.now();
  if (now - lastTurn < EVERY_MS) return;
  lastTurn = now;
  await new Promise((resolve) => setTimeout(resolve, 0));
}
