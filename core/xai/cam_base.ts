/**
 * The shared base of CAM methods (as in pytorch-grad-cam): activations of the classifier's
 * target layer, the explained class per image, gradients of its score with respect to the
 * activations (computed only when a method reads them), and the steps every method shares:
 * the ReLU'd weighted channel sum and the upsampling and scaling to the input size.
 *
 * Only ops every backend has are used: class scores are picked with a one-hot product (the
 * gradient of `gather` needs `UnsortedSegmentSum`, which wasm lacks) and nothing reads
 * tensors back synchronously (`dataSync` fails on webgpu under Deno).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ClassifierNetwork, TargetClass } from "../plugin/plugin.ts";

/** What a CAM method may use; tensors belong to the enclosing `tf.tidy`. */
export interface CamInputs {
  readonly network: ClassifierNetwork;
  /** The images explained, `[N, H, W, C]`. */
  readonly images: tf.Tensor4D;
  /** Target-layer activations, `[N, h, w, k]`. */
  readonly activations: tf.Tensor4D;
  /** Class logits of the images, `[N, classes]`. */
  readonly logits: tf.Tensor2D;
  /** One-hot of the explained class per image, `[N, classes]`. */
  readonly targets: tf.Tensor2D;
  /**
   * Gradients of each image's target class score w.r.t. the activations, `[N, h, w, k]`.
   * Computed on first read, so gradient-free methods never run a backward pass.
   */
  readonly gradients: tf.Tensor4D;
}

/** Target-layer activations, their gradients and the explained classes. */
export type ActivationsAndGradients = CamInputs;

/**
 * One-hot `[N, classes]` of the classes to explain: the arg-max of `logits` for
 * `"predicted"`, all ones for `"all-classes"` (the score is the sum of the class logits),
 * one class for all images, or one class per image.
 */
export function targetOneHot(logits: tf.Tensor2D, target: TargetClass): tf.Tensor2D {
  const [count, classes] = logits.shape;
  if (target === "predicted") return tf.oneHot(tf.argMax(logits, 1), classes) as tf.Tensor2D;
  if (target === "all-classes") return tf.onesLike(logits);
  const indices = typeof target === "number" ? Array(count).fill(target) : [...target];
  if (
    indices.length !== count || indices.some((c) => !Number.isInteger(c) || c < 0 || c >= classes)
  ) {
    throw new RangeError(`target classes ${JSON.stringify(target)} do not fit ${count} images`);
  }
  return tf.oneHot(tf.tensor1d(indices, "int32"), classes) as tf.Tensor2D;
}

/** Each row's logit of its one-hot class, `[N]` (a product, not `gather`). */
export function targetScores(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(logits, targets), 1) as tf.Tensor1D;
}

/** Gradient of the summed target scores of `head(activations)` w.r.t. `activations`. */
function scoreGradients(
  network: ClassifierNetwork,
  activations: tf.Tensor4D,
  targets: tf.Tensor2D,
): tf.Tensor4D {
  const score = (a: tf.Tensor) =>
    tf.sum(targetScores(network.head.apply(a) as tf.Tensor2D, targets));
  return tf.grad(score)(activations) as tf.Tensor4D;
}

/**
 * Runs the forward pass up to the logits and picks the target classes; gradients are
 * differentiated lazily (see {@linkcode CamInputs}). Call inside `tf.tidy`.
 */
export function camInputs(
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): CamInputs {
  const activations = network.features.apply(images) as tf.Tensor4D;
  const logits = network.head.apply(activations) as tf.Tensor2D;
  const targets = targetOneHot(logits, target);
  let gradients: tf.Tensor4D | undefined;
  return {
    network,
    images,
    activations,
    logits,
    targets,
    get gradients() {
      gradients ??= scoreGradients(network, activations, targets);
      return gradients;
    },
  };
}

/**
 * {@linkcode camInputs} with the gradients computed at once and intermediates freed. Call
 * inside `tf.tidy` or dispose `activations`, `logits`, `targets` and `gradients`.
 */
export function activationsAndGradients(
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): ActivationsAndGradients {
  const tensors = tf.tidy(() => {
    const { activations, logits, targets, gradients } = camInputs(network, images, target);
    return { activations, logits, targets, gradients };
  });
  return { network, images, ...tensors };
}

/**
 * ReLU of the weighted sum over activation channels, `[N, h, w]`: weights are `[N, k]` (one
 * per channel, as Grad-CAM) or `[N, h, w, k]` (one per position and channel, as HiResCAM).
 */
export function weightedSum(
  activations: tf.Tensor4D,
  weights: tf.Tensor2D | tf.Tensor4D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, , , k] = activations.shape;
    const w = weights.rank === 2 ? tf.reshape(weights, [n, 1, 1, k]) : weights;
    return tf.relu(tf.sum(tf.mul(activations, w), -1)) as tf.Tensor3D;
  });
}

/**
 * Upsamples raw maps `[N, h, w]` to `[N, H, W]` and min–max scales each to [0, 1] (an
 * all-equal map becomes 0). Bilinear with half-pixel centres, as OpenCV's `INTER_LINEAR`
 * that pytorch-grad-cam uses; it scales before resizing, which gives the same map since
 * the resize is linear and preserves constants.
 */
export function finalizeMaps(raw: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(
      tf.expandDims(raw, -1) as tf.Tensor4D,
      [height, width],
      false,
      true,
    );
    const maps = tf.squeeze(resized, [3]) as tf.Tensor3D;
    const low = tf.min(maps, [1, 2], true);
    const range = tf.sub(tf.max(maps, [1, 2], true), low);
    const safe = tf.where(tf.greater(range, 1e-12), range, tf.onesLike(range));
    return tf.div(tf.sub(maps, low), safe) as tf.Tensor3D;
  });
}
