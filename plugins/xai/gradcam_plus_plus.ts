/**
 * Grad-CAM++ (Chattopadhay et al. 2018): channel weights sum the positive gradients, each
 * scaled by `α = g² / (2g² + Σ_ij A · g³ + ε)` (eq. 19 with exponentials dropped), with
 * pytorch-grad-cam's `ε = 1e-6`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** pytorch-grad-cam's guard against a zero denominator. */
const EPSILON = 1e-6;

/** The `gradcam++` XAI plugin. */
export const gradcamPlusPlusPlugin = camMethodPlugin({
  name: "gradcam++",
  description: "Grad-CAM++: positive gradients weighted by second- and third-order terms",
  version: "1",
  options: z.strictObject({}),
  weigh: ({ activations, gradients }) => {
    const g2 = tf.square(gradients);
    const g3 = tf.mul(g2, gradients);
    const activationSums = tf.sum(activations, [1, 2], true);
    const alpha = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(activationSums, g3)), EPSILON));
    // pytorch-grad-cam also zeroes α where g = 0; there g² = 0 makes α 0 already.
    return tf.sum(tf.mul(tf.relu(gradients), alpha), [1, 2]) as tf.Tensor2D;
  },
});
