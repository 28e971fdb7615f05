/**
 * `motion` prior source, label-free: the smoothed |ED − ES| difference of the same slice
 * position, scaled to [0, 1] per slice — the heart contracts, the chest does not. Needs both
 * phases of a position (ACDC has them for every patient); a slice without its other phase
 * takes its patient's mean difference.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, motionPriors } from "../../mod.ts";

/** The `motion` prior source. */
export const motionPriorPlugin = definePlugin({
  kind: "prior",
  name: "motion",
  description: "label-free: smoothed |ED − ES| of the same slice position (the heart moves)",
  version: "1",
  options: z.strictObject({
    /** Box-blur radius of the difference in pixels; default `round(size / 20)` (3 at 64²). */
    radius: z.number().int().min(0).max(64).optional()
      .describe("box-blur radius of |ED − ES| in pixels (default: round(size / 20), 3 at 64²)"),
    /** `slice`: this position's difference; `stack`: the patient's mean; `product`: both. */
    mode: z.enum(["slice", "stack", "product"]).default("slice").describe(
      "slice: this position's difference; stack: the patient's mean over positions; product: both",
    ),
  }),
  create: (options) => ({
    maps: ({ slices }) =>
      Promise.resolve(motionPriors(slices.images, slices.meta, slices.size, options)),
  }),
});
