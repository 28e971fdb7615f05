/**
 * XGrad-CAM (Fu et al. 2020): channel weights are gradients averaged with the channel's
 * normalised activations as weights, `Σ_ij g · A / (Σ_ij A + ε)`, pytorch-grad-cam's
 * `ε = 1e-7`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** pytorch-grad-cam's guard against a zero activation sum. */
const EPSILON = 1e-7;

/** The `xgradcam` XAI plugin. */
export const xgradcamPlugin = camMethodPlugin({
  name: "xgradcam",
  description: "XGrad-CAM: gradients averaged with activation-proportional weights",
  version: "1",
  options: z.strictObject({}),
  weigh: ({ activations, gradients }) => {
    const sums = tf.add(tf.sum(activations, [1, 2], true), EPSILON);
    return tf.sum(tf.div(tf.mul(gradients, activations), sums), [1, 2]) as tf.Tensor2D;
  },
});
