/**
 * A third-party CAM method, loaded by `custom-cam.json` with `"plugins": ["./my_eigencam.ts"]`:
 * EigenCAM, the target-layer activations projected on their first principal component,
 * found by power iteration. A `map` rule returns the map before the ReLU; camprior applies
 * the ReLU, upsamples to the input size and scales to [0, 1]. (Outside this repository,
 * import `camMethodPlugin` from the camprior package root instead of the relative path.)
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../mod.ts";

/** `x / ‖x‖` over axes 1 and 2. */
function unit(x: tf.Tensor3D): tf.Tensor3D {
  return tf.div(x, tf.add(tf.sqrt(tf.sum(tf.square(x), [1, 2], true)), 1e-30));
}

/** Top eigenvector `[N, k, 1]` of the covariance of centred activations `[N, hw, k]`. */
function firstComponent(centred: tf.Tensor3D, iterations: number): tf.Tensor3D {
  const covariance = tf.matMul(centred, centred, true, false);
  let axis = unit(tf.ones([centred.shape[0], centred.shape[2], 1]));
  for (let i = 0; i < iterations; i++) axis = unit(tf.matMul(covariance, axis));
  return axis;
}

/** The `my-eigencam` XAI plugin. */
export default camMethodPlugin({
  name: "my-eigencam",
  description: "example EigenCAM loaded from a file: first principal component of activations",
  version: "1",
  options: z.strictObject({
    iterations: z.number().int().min(1).max(10000).default(200),
  }),
  map: ({ activations }, { iterations }) => {
    const [n, h, w, k] = activations.shape;
    const flat = tf.reshape(activations, [n, h * w, k]) as tf.Tensor3D;
    const centred = tf.sub(flat, tf.mean(flat, 1, true)) as tf.Tensor3D;
    const projection = tf.matMul(centred, firstComponent(centred, iterations));
    // An eigenvector's sign is arbitrary: light up where the channels sum high.
    const agreement = tf.sum(tf.mul(projection, tf.sum(centred, 2, true)), [1, 2], true);
    const sign = tf.where(tf.less(agreement, 0), tf.scalar(-1), tf.scalar(1));
    return tf.reshape(tf.mul(projection, sign), [n, h, w]);
  },
});
