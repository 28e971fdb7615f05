/**
 * Targets one network's predictions give another (or itself, on another view) in
 * semi-supervised training: hard pseudo-labels with their confidence, and a stop-gradient
 * so that no gradient flows into the network that made them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { oneHotTargets } from "./losses.ts";

/**
 * `x` as a value whose gradient is zero (PyTorch's `detach()`): what is computed from it
 * inside the gradient, however non-differentiable, is not recorded.
 */
export function stopGradient<T extends tf.Tensor>(x: T, f: (x: T) => tf.Tensor = tf.clone) {
  const detached = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as T;
    return { value: tf.tidy(() => f(input)), gradFunc: () => tf.zerosLike(input) };
  });
  return detached(x);
}

/** Hard pseudo-labels of class probabilities `[N, H, W, K]`: one-hot argmax, no gradient. */
export function hardPseudoLabels(probs: tf.Tensor4D): tf.Tensor4D {
  const classes = probs.shape[3];
  return stopGradient(probs, (p) => oneHotTargets(tf.argMax(p, -1), classes)) as tf.Tensor4D;
}

/** Confident pseudo-labels: argmax class `[N, H, W]` (int32) and its probability. */
export interface PseudoLabels {
  readonly labels: tf.Tensor3D;
  readonly confidence: tf.Tensor3D;
}

/** The argmax class and its probability per pixel (no gradient needed: call outside one). */
export function pseudoLabels(probs: tf.Tensor4D): PseudoLabels {
  return tf.tidy(() => ({
    labels: tf.cast(tf.argMax(probs, -1), "int32") as tf.Tensor3D,
    confidence: tf.max(probs, -1) as tf.Tensor3D,
  }));
}

/** 1 where the confidence reaches `threshold`, else 0 (float32 `[N, H, W]`). */
export function confidenceMask(confidence: tf.Tensor3D, threshold: number): tf.Tensor3D {
  return tf.tidy(() => tf.cast(tf.greaterEqual(confidence, threshold), "float32"));
}

/** Mean squared difference of two probability maps (the mean teacher's consistency). */
export function probabilityMse(a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)) as tf.Scalar);
}
