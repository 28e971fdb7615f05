/**
 * Early stopping on a monitored loss (the paper: validation loss, patience 10): tracks the
 * best epoch and says when `patience` epochs have passed without improvement.
 *
 * @module
 */

/** What {@linkcode EarlyStopping.update} decided for an epoch. */
export type EarlyStoppingDecision = "improved" | "wait" | "stop";

/** Tracks the best monitored value and its epoch. */
export class EarlyStopping {
  #bestValue = Infinity;
  #bestEpoch = 0;

  /** `patience`: epochs without improvement after the best one before stopping. */
  constructor(readonly patience: number) {}

  /** The lowest value so far (Infinity before the first). */
  get bestValue(): number {
    return this.#bestValue;
  }

  /** The 1-based epoch of the lowest value (0 before the first). */
  get bestEpoch(): number {
    return this.#bestEpoch;
  }

  /** Records the value of `epoch`; `stop` once `patience` epochs passed since the best. */
  update(epoch: number, value: number): EarlyStoppingDecision {
    if (value < this.#bestValue) {
      this.#bestValue = value;
      this.#bestEpoch = epoch;
      return "improved";
    }
    return epoch - this.#bestEpoch >= this.patience ? "stop" : "wait";
  }
}
