/**
 * EigenCAM (Muhammad & Yeasin 2020), gradient-free: the projection of each image's
 * target-layer activations onto their first principal component, as pytorch-grad-cam's
 * `get_2d_projection`: the `h·w × k` activation matrix is centred per channel, and the map
 * is `centred · v₁`, `v₁` its first right singular vector. It does not depend on the class.
 *
 * `v₁` is the top eigenvector of the Gram matrix of the smaller side (`k × k`, or `hw × hw`
 * mapped back through the activations), found by repeated squaring: `G ← G² / max|G²|`
 * twelve times is the power `G^4096`, whose columns all point along the top eigenvector
 * (the longest one is taken). All in tfjs ops, so it runs batched on every backend.
 *
 * Sign: a singular vector's sign is arbitrary; NumPy/LAPACK's choice is not a rule one can
 * reproduce (on random ReLU activations no simple rule predicts it much better than a coin).
 * `largest-loading-negative` (default) makes the loading with the largest magnitude
 * negative, which reproduces pytorch-grad-cam on the reference fixture;
 * `with-activations` makes the projection correlate positively with the channel-summed
 * activations, so the map lights up where the layer fires.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** `G^(2^SQUARINGS)`: converges unless the top two eigenvalues are within ~0.2%. */
const SQUARINGS = 12;
/** Keeps divisions finite for all-zero activations (the map is then 0). */
const TINY = 1e-30;

/** Which sign of the principal component becomes the map. */
export const EIGENCAM_SIGNS = ["largest-loading-negative", "with-activations"] as const;

/** `x / ‖x‖` along `axis`. */
function normalize<T extends tf.Tensor>(x: T, axis: number): T {
  return tf.div(x, tf.add(tf.sqrt(tf.sum(tf.square(x), axis, true)), TINY));
}

/** Unit top eigenvector `[N, m, 1]` of symmetric positive semi-definite matrices `[N, m, m]`. */
function topEigenvector(gram: tf.Tensor3D): tf.Tensor3D {
  let power = gram;
  for (let i = 0; i < SQUARINGS; i++) {
    const squared = tf.matMul(power, power);
    power = tf.div(squared, tf.add(tf.max(tf.abs(squared), [1, 2], true), TINY));
  }
  const m = gram.shape[1];
  const longest = tf.oneHot(tf.argMax(tf.sum(tf.square(power), 1), 1), m); // [N, m]
  const column = tf.sum(tf.mul(power, tf.expandDims(longest, 1)), 2); // [N, m]
  return normalize(tf.expandDims(column, 2), 1) as tf.Tensor3D;
}

/** First right singular vector `[N, k, 1]` of centred activations `[N, hw, k]`. */
function principalAxis(centred: tf.Tensor3D): tf.Tensor3D {
  const [, hw, k] = centred.shape;
  if (k <= hw) return topEigenvector(tf.matMul(centred, centred, true, false));
  const left = topEigenvector(tf.matMul(centred, centred, false, true)); // [N, hw, 1]
  return normalize(tf.matMul(centred, left, true, false), 1);
}

/** Flips each axis `[N, k, 1]` so its largest-magnitude loading is negative. */
function largestLoadingNegative(axis: tf.Tensor3D): tf.Tensor3D {
  const flat = tf.squeeze(axis, [2]);
  const largest = tf.oneHot(tf.argMax(tf.abs(flat), 1), axis.shape[1]);
  const sign = tf.sign(tf.sum(tf.mul(flat, largest), 1, true)); // [N, 1]
  return tf.mul(axis, tf.expandDims(tf.neg(sign), 2));
}

/** Flips each projection `[N, hw, 1]` to correlate positively with the channel sums. */
function withActivations(projection: tf.Tensor3D, centred: tf.Tensor3D): tf.Tensor3D {
  const covariance = tf.sum(tf.mul(projection, tf.sum(centred, 2, true)), [1, 2], true);
  return tf.mul(projection, tf.where(tf.less(covariance, 0), tf.scalar(-1), tf.scalar(1)));
}

/** The `eigencam` XAI plugin. */
export const eigencamPlugin = camMethodPlugin({
  name: "eigencam",
  description: "EigenCAM: activations projected on their first principal component",
  version: "1",
  options: z.strictObject({
    sign: z.enum(EIGENCAM_SIGNS).default("largest-loading-negative")
      .describe(
        "the component's sign: largest-loading-negative matches pytorch-grad-cam; " +
          "with-activations lights up where the layer fires",
      ),
  }),
  map: ({ activations }, { sign }) => {
    const [n, h, w, k] = activations.shape;
    const flat = tf.reshape(activations, [n, h * w, k]) as tf.Tensor3D;
    const centred = tf.sub(flat, tf.mean(flat, 1, true)) as tf.Tensor3D;
    const axis = principalAxis(centred);
    if (sign === "largest-loading-negative") {
      return tf.reshape(tf.matMul(centred, largestLoadingNegative(axis)), [n, h, w]);
    }
    return tf.reshape(withActivations(tf.matMul(centred, axis), centred), [n, h, w]);
  },
});
