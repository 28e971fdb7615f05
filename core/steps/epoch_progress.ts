/**
 * Progress of a training step, one unit per epoch, showing the losses; each epoch is also
 * written to the step's log file.
 *
 * @module
 */
import type { EpochReport } from "../training/fit.ts";
import type { StepEnv } from "./env.ts";

/** Starts a progress task for `epochs` epochs; `onEpoch` feeds it, `finish` ends it. */
export function epochProgress(env: StepEnv, label: string, epochs: number) {
  const task = env.progress.start(label, epochs);
  const onEpoch = (r: EpochReport) => {
    const losses = `loss ${r.loss.toFixed(4)}${
      r.valLoss === undefined ? "" : ` val ${r.valLoss.toFixed(4)}`
    }`;
    task.update(r.epoch, losses);
    env.stepLog?.info(`epoch ${r.epoch}/${r.epochs}: ${losses}`);
  };
  return { onEpoch, finish: () => task.finish() };
}
