/**
 * The shared base of CAM methods (as in pytorch-grad-cam): activations of the classifier's
 * target layer and gradients of the chosen class score with respect to them. A method
 * only says how to weigh the activation channels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ClassifierNetwork, TargetClass } from "../plugin.ts";

/** Target-layer activations `[N, h, w, k]`, their gradients and the explained classes. */
export interface ActivationsAndGradients {
  readonly activations: tf.Tensor4D;
  readonly gradients: tf.Tensor4D;
  /** One-hot of the explained class per image, `[N, classes]`. */
  readonly targets: tf.Tensor2D;
}

function targetOneHot(logits: tf.Tensor2D, target: TargetClass): tf.Tensor2D {
  const [count, classes] = logits.shape;
  if (target === "predicted") return tf.oneHot(tf.argMax(logits, 1), classes) as tf.Tensor2D;
  const indices = typeof target === "number" ? Array(count).fill(target) : [...target];
  if (indices.length !== count || indices.some((c) => c < 0 || c >= classes)) {
    throw new RangeError(`target classes ${JSON.stringify(target)} do not fit ${count} images`);
  }
  return tf.oneHot(tf.tensor1d(indices, "int32"), classes) as tf.Tensor2D;
}

/**
 * Runs the forward pass and differentiates the target class score (a logit picked with a
 * one-hot product, so no `gather` gradient is needed) with respect to the activations.
 * Call inside `tf.tidy` or dispose the result.
 */
export function activationsAndGradients(
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): ActivationsAndGradients {
  return tf.tidy(() => {
    const activations = network.features.apply(images) as tf.Tensor4D;
    const logits = network.head.apply(activations) as tf.Tensor2D;
    const targets = targetOneHot(logits, target);
    const score = (a: tf.Tensor) => tf.sum(tf.mul(network.head.apply(a) as tf.Tensor2D, targets));
    const gradients = tf.grad(score)(activations) as tf.Tensor4D;
    return { activations, gradients, targets };
  });
}

/** ReLU of the channel-weighted activation sum: `[N, h, w, k]` × `[N, k]` → `[N, h, w]`. */
export function weightedSum(activations: tf.Tensor4D, weights: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, , , k] = activations.shape;
    return tf.relu(tf.sum(tf.mul(activations, tf.reshape(weights, [n, 1, 1, k])), -1));
  });
}

/** Upsamples raw maps `[N, h, w]` to `[N, H, W]` (bilinear) and min–max scales each to [0, 1]. */
export function finalizeMaps(raw: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(tf.expandDims(raw, -1) as tf.Tensor4D, [
      height,
      width,
    ]);
    const maps = tf.squeeze(resized, [3]) as tf.Tensor3D;
    const low = tf.min(maps, [1, 2], true);
    const range = tf.sub(tf.max(maps, [1, 2], true), low);
    const safe = tf.where(tf.greater(range, 1e-12), range, tf.onesLike(range));
    return tf.div(tf.sub(maps, low), safe) as tf.Tensor3D;
  });
}
