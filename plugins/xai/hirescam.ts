/**
 * HiResCAM (Draelos & Carin 2020): the gradient multiplies the activation at each position
 * before the channel sum, instead of being averaged first as in Grad-CAM.
 *
 * @module
 */
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** The `hirescam` XAI plugin. */
export const hirescamPlugin = camMethodPlugin({
  name: "hirescam",
  description: "HiResCAM: activations times gradients, position by position",
  version: "1",
  options: z.strictObject({}),
  weigh: ({ gradients }) => gradients,
});
