/**
 * Learning-rate schedules, stepped once per epoch: constant, reduce-on-plateau of the
 * monitored loss (Keras `ReduceLROnPlateau`), and cosine decay with optional linear warm-up.
 *
 * @module
 */
import { z } from "zod";
import { boundedNumber } from "../util/zod_format.ts";

/** The `schedule` field of the training settings. */
export const scheduleSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("constant").describe(
      "constant: the learning rate throughout; plateau: multiplied by factor when the " +
        "validation loss stalls; cosine: cosine decay to minLearningRate after a warm-up",
    ),
  }),
  z.strictObject({
    type: z.literal("plateau"),
    factor: boundedNumber(0.001, 0.999).default(0.1)
      .describe("plateau: multiplies the rate after patience epochs without improvement"),
    patience: boundedNumber(0, 10000, true).default(5)
      .describe("plateau: epochs without improvement before the rate drops"),
    minDelta: boundedNumber(0, 1e6).default(1e-4)
      .describe("plateau: validation-loss improvements smaller than this do not count"),
    minLearningRate: boundedNumber(0, 10).default(1e-6)
      .describe(
        "lowest rate: plateau never goes below it (default 1e-6); cosine ends at it (default 0)",
      ),
  }),
  z.strictObject({
    type: z.literal("cosine"),
    minLearningRate: boundedNumber(0, 10).default(0)
      .describe(
        "lowest rate: plateau never goes below it (default 1e-6); cosine ends at it (default 0)",
      ),
    warmupEpochs: boundedNumber(0, 10000, true).default(0)
      .describe("cosine: epochs of linear increase from learningRate / (warmupEpochs + 1)"),
  }),
]);

/** Schedule settings with defaults filled. */
export type ScheduleSettings = z.output<typeof scheduleSchema>;

/** Gives the learning rate of each epoch. */
export interface LearningRateSchedule {
  /** Rate of the first epoch. */
  readonly initial: number;
  /** Rate for epoch `epoch + 1`, given the loss monitored at the end of `epoch` (1-based). */
  next(epoch: number, monitored: number): number;
}

/** The schedule for a base learning rate and a number of epochs. */
export function makeSchedule(
  settings: ScheduleSettings,
  baseRate: number,
  epochs: number,
): LearningRateSchedule {
  switch (settings.type) {
    case "constant":
      return { initial: baseRate, next: () => baseRate };
    case "plateau":
      return plateauSchedule(settings, baseRate);
    case "cosine":
      return cosineSchedule(settings, baseRate, epochs);
  }
}

type Plateau = Extract<ScheduleSettings, { type: "plateau" }>;
type Cosine = Extract<ScheduleSettings, { type: "cosine" }>;

function plateauSchedule(settings: Plateau, baseRate: number): LearningRateSchedule {
  let rate = baseRate;
  let best = Infinity;
  let wait = 0;
  return {
    initial: baseRate,
    next(_epoch, monitored) {
      if (monitored < best - settings.minDelta) {
        best = monitored;
        wait = 0;
      } else if (++wait >= settings.patience) {
        rate = Math.max(rate * settings.factor, settings.minLearningRate);
        wait = 0;
      }
      return rate;
    },
  };
}

/** Rate of 1-based `epoch` for a cosine schedule. */
function cosineRate(settings: Cosine, baseRate: number, epochs: number, epoch: number): number {
  const warmup = settings.warmupEpochs;
  if (epoch <= warmup) return (baseRate * epoch) / (warmup + 1);
  const span = Math.max(1, epochs - warmup - 1);
  const progress = Math.min(1, (epoch - warmup - 1) / span);
  const min = settings.minLearningRate;
  return min + ((baseRate - min) * (1 + Math.cos(Math.PI * progress))) / 2;
}

function cosineSchedule(settings: Cosine, baseRate: number, epochs: number): LearningRateSchedule {
  return {
    initial: cosineRate(settings, baseRate, epochs, 1),
    next: (epoch) => cosineRate(settings, baseRate, epochs, epoch + 1),
  };
}
