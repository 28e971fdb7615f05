/**
 * Progress of a training step, one unit per epoch, showing the losses.
 *
 * @module
 */
import type { Progress } from "../progress.ts";
import type { EpochReport } from "../training/fit.ts";

/** Starts a progress task for `epochs` epochs; `onEpoch` feeds it, `finish` ends it. */
export function epochProgress(progress: Progress, label: string, epochs: number) {
  const task = progress.start(label, epochs);
  const onEpoch = (r: EpochReport) =>
    task.update(
      r.epoch,
      `loss ${r.loss.toFixed(4)}${r.valLoss === undefined ? "" : ` val ${r.valLoss.toFixed(4)}`}`,
    );
  return { onEpoch, finish: () => task.finish() };
}
