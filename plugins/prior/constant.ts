/**
 * `constant` prior source, a control: a flat channel (every pixel `value`), so a gain from
 * a prior can be told apart from a gain from one more input channel.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../mod.ts";

/** The `constant` prior source. */
export const constantPriorPlugin = definePlugin({
  kind: "prior",
  name: "constant",
  description: "control: a flat channel (tells a prior's gain from one more channel's)",
  version: "1",
  options: z.strictObject({
    /** The value of every pixel. */
    value: z.number().min(0).max(1).default(1).describe("the value of every pixel"),
  }),
  create: ({ value }) => ({
    maps: ({ slices }) => Promise.resolve(new Float32Array(slices.size * slices.size).fill(value)),
  }),
});
