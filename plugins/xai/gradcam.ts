/**
 * Grad-CAM (Selvaraju et al.), the paper's method: each activation channel is weighted by
 * the spatial mean of the class score's gradient.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** The `gradcam` XAI plugin. */
export const gradcamPlugin = camMethodPlugin({
  name: "gradcam",
  description: "Grad-CAM: channels weighted by the mean gradient of the class score",
  version: "2",
  options: z.strictObject({}),
  weigh: ({ gradients }) => tf.mean(gradients, [1, 2]) as tf.Tensor2D,
});
