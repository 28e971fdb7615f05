/**
 * The grid's progress and ETA across steps: how many steps are done and how long the rest
 * should take, from the measured seconds of finished steps of the same kind (this run's and
 * earlier runs' manifests), scaled by each step's size, or from a given estimate.
 *
 * @module
 */
import type { Step } from "../plan/step.ts";
import { formatDuration } from "../util/duration.ts";

/** Seconds a step is expected to take, when known beforehand (e.g. from a calibration). */
export type StepEstimate = (step: Step) => number | undefined;

/** Relative size of a step within its kind: segmenters scale with their labelled share. */
export function stepWeight(step: Step): number {
  if (step.kind === "segmenter") return 0.1 + step.settings.sample.size / 100;
  if (step.kind === "classifier" && step.settings.sample) return step.settings.sample.size / 100;
  return 1;
}

/** Tracks the steps of one run and predicts the time left. */
export class GridClock {
  readonly #todo: readonly Step[];
  readonly #estimate: StepEstimate;
  readonly #rates = new Map<string, { seconds: number; weight: number }>();
  readonly #done = new Set<string>();
  /** Steps running now, by id, with their start time (several in a process pool). */
  readonly #running = new Map<string, number>();

  constructor(todo: readonly Step[], estimate: StepEstimate = () => undefined) {
    this.#todo = todo;
    this.#estimate = estimate;
  }

  /** Records a measured step (of this run, or an earlier one from its manifest). */
  measured(step: Step, seconds: number): void {
    const rate = this.#rates.get(step.kind) ?? { seconds: 0, weight: 0 };
    this.#rates.set(step.kind, {
      seconds: rate.seconds + seconds,
      weight: rate.weight + stepWeight(step),
    });
  }

  started(step: Step, now = performance.now()): void {
    this.#running.set(step.id, now);
  }

  finished(step: Step, seconds: number): void {
    this.#done.add(step.id);
    this.measured(step, seconds);
    this.#running.delete(step.id);
  }

  /** A failed or skipped step: no longer waited for, not measured. */
  dropped(step: Step): void {
    this.#done.add(step.id);
    this.#running.delete(step.id);
  }

  /** Steps finished (or dropped) so far, of {@linkcode total}. */
  get done(): number {
    return this.#done.size;
  }

  get total(): number {
    return this.#todo.length;
  }

  /** Expected seconds of a step: measured rate of its kind, else the given estimate. */
  expected(step: Step): number | undefined {
    const rate = this.#rates.get(step.kind);
    if (rate && rate.weight > 0) return rate.seconds / rate.weight * stepWeight(step);
    return this.#estimate(step);
  }

  /**
   * Seconds left for the remaining steps whose kind is timed (or estimated), and how many
   * remaining steps are not. With several steps running at once (a process pool), the work
   * left is shared among as many.
   */
  secondsLeft(now = performance.now()): { seconds: number; untimed: number } {
    let seconds = 0, untimed = 0;
    for (const step of this.#todo) {
      if (this.#done.has(step.id)) continue;
      const expected = this.expected(step);
      if (expected === undefined) {
        untimed++;
        continue;
      }
      const since = this.#running.get(step.id);
      const elapsed = since === undefined ? 0 : (now - since) / 1000;
      seconds += Math.max(expected - elapsed, 0);
    }
    return { seconds: seconds / Math.max(1, this.#running.size), untimed };
  }

  /** E.g. `3/17 steps done, ~12 min left (ETA 14:05)`, with steps not timed yet noted. */
  summary(now = performance.now(), clock = new Date()): string {
    const head = `${this.done}/${this.total} steps done`;
    const { seconds, untimed } = this.secondsLeft(now);
    const remaining = this.total - this.done;
    if (untimed === remaining && remaining > 0) {
      return `${head}, ETA after the first step of each kind`;
    }
    const eta = new Date(clock.getTime() + seconds * 1000);
    const at = eta.toTimeString().slice(0, 5);
    const day = eta.toDateString() === clock.toDateString() ? "" : ` ${eta.toDateString()}`;
    const more = untimed > 0
      ? ` + ${untimed} step${untimed > 1 ? "s" : ""} of kinds not timed yet`
      : "";
    return `${head}, ~${formatDuration(seconds)} left${more} (ETA ${at}${day})`;
  }
}
