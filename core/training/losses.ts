/**
 * Loss functions. Segmentation losses take softmax probabilities (or logits) and one-hot
 * targets of shape `[N, H, W, classes]` and return a scalar for the batch: cross-entropies
 * a mean over pixels, overlap losses computed per class over the whole batch, then
 * averaged. Cross-entropies take optional class weights `[classes]`: each sample's
 * (pixel's) loss is multiplied by the weight of its true class before the mean (Keras'
 * `class_weight`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fusedSegmentationLossOf } from "./fused_loss.ts";

const EPSILON = 1e-6;

/**
 * One-hot float32 targets of integer labels (`[N]` → `[N, classes]`, `[N, H, W]` →
 * `[N, H, W, classes]`), built with `equal` and `where` because tfjs 4.22 gets the usual
 * routes wrong on some backends: `tf.oneHot(…, "float32")` gives zeros on wasm, and on
 * webgpu int32 sums read float bits and summing a float32 cast of an int32 one-hot over
 * `[1, 2]` gave zeros, which silently broke the overlap losses.
 */
export function oneHotTargets(labels: tf.Tensor, classes: number): tf.Tensor {
  return tf.tidy(() => {
    const hit = tf.equal(
      tf.expandDims(labels, -1),
      tf.range(0, classes, 1, labels.dtype === "float32" ? "float32" : "int32"),
    );
    return tf.where(hit, tf.fill(hit.shape, 1), tf.fill(hit.shape, 0));
  });
}

function asFloat<T extends tf.Tensor>(targets: T): T {
  return targets.dtype === "float32" ? targets : tf.cast(targets, "float32");
}

/** Softmax cross-entropy of class logits `[N, classes]` against one-hot targets. */
export function classificationCrossEntropy(
  logits: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  classWeights?: tf.Tensor1D,
): tf.Scalar {
  return tf.tidy(() => {
    const target = asFloat(oneHot);
    if (!classWeights) return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
    const perSample = tf.losses.softmaxCrossEntropy(
      target,
      logits,
      undefined,
      0,
      tf.Reduction.NONE,
    );
    return tf.mean(tf.mul(perSample, tf.sum(tf.mul(target, classWeights), -1))) as tf.Scalar;
  });
}

/**
 * A pixel mask `[N, H, W]` (1 counts, 0 ignored), e.g. confident pseudo-labels. Masked
 * cross-entropies stay a mean over all pixels (FixMatch); masked overlap losses leave the
 * ignored pixels out of both prediction and target.
 */
export type PixelMask = tf.Tensor3D;

/** The mean over pixels of per-pixel values `[N, H, W]`, masked pixels counting 0. */
function pixelMean(values: tf.Tensor, mask?: PixelMask): tf.Scalar {
  return tf.mean(mask ? tf.mul(values, mask) : values) as tf.Scalar;
}

/** Per-pixel cross-entropy of probabilities against one-hot targets. */
export function pixelCrossEntropy(
  probs: tf.Tensor4D,
  oneHot: tf.Tensor4D,
  classWeights?: tf.Tensor1D,
  mask?: PixelMask,
): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(probs, EPSILON, 1));
    const target = asFloat(oneHot);
    const weighted = classWeights ? tf.mul(target, classWeights) : target;
    return tf.neg(pixelMean(tf.sum(tf.mul(weighted, logp), -1), mask));
  });
}

/**
 * Per-class soft intersection and `|P| + |T|`, summed over the whole batch (like
 * `segmentation_models`' losses with `per_image=False`, and SSL4MIS' `DiceLoss`): a class
 * missing from one slice does not turn that slice's term into a constant.
 */
function overlapTerms(probs: tf.Tensor4D, oneHot: tf.Tensor4D, mask?: PixelMask) {
  const axes = [0, 1, 2];
  let target = asFloat(oneHot);
  if (mask) {
    const m = tf.expandDims(mask, -1);
    [probs, target] = [tf.mul(probs, m), tf.mul(target, m)];
  }
  const intersection = tf.sum(tf.mul(probs, target), axes);
  const total = tf.add(tf.sum(probs, axes), tf.sum(target, axes));
  return { intersection, total };
}

/** 1 − soft Jaccard (IoU) over the batch, averaged over classes: the paper's U-Net loss. */
export function softIoULoss(
  probs: tf.Tensor4D,
  oneHot: tf.Tensor4D,
  mask?: PixelMask,
): tf.Scalar {
  return tf.tidy(() => {
    const { intersection, total } = overlapTerms(probs, oneHot, mask);
    const union = tf.sub(total, intersection);
    return tf.sub(1, tf.mean(tf.div(tf.add(intersection, EPSILON), tf.add(union, EPSILON))));
  });
}

/** 1 − soft Dice over the batch, averaged over classes. */
export function softDiceLoss(
  probs: tf.Tensor4D,
  oneHot: tf.Tensor4D,
  mask?: PixelMask,
): tf.Scalar {
  return tf.tidy(() => {
    const { intersection, total } = overlapTerms(probs, oneHot, mask);
    const dice = tf.div(tf.add(tf.mul(2, intersection), EPSILON), tf.add(total, EPSILON));
    return tf.sub(1, tf.mean(dice));
  });
}

/**
 * Per-pixel cross-entropy from logits `[N, H, W, classes]`: `logsumexp(z) − z_true`.
 * Unlike the cross-entropy of probabilities, its gradient stays `p − y` when the softmax
 * saturates, so a network that collapsed onto the background can recover.
 */
export function logitCrossEntropy(
  logits: tf.Tensor4D,
  oneHot: tf.Tensor4D,
  classWeights?: tf.Tensor1D,
  mask?: PixelMask,
): tf.Scalar {
  return tf.tidy(() => {
    const target = asFloat(oneHot);
    const weighted = classWeights ? tf.mul(target, classWeights) : target;
    const logp = tf.sub(logits, tf.logSumExp(logits, -1, true));
    return tf.neg(pixelMean(tf.sum(tf.mul(weighted, logp), -1), mask));
  });
}

/** A segmenter's output: probabilities, and the logits before the softmax when known. */
export interface SegmenterOutput {
  readonly probs: tf.Tensor4D;
  readonly logits?: tf.Tensor4D;
}

/** A segmentation loss on a segmenter's output and one-hot targets, optionally masked. */
export type SegmentationLoss = (
  output: SegmenterOutput,
  oneHot: tf.Tensor4D,
  mask?: PixelMask,
) => tf.Scalar;

/** The loss terms a segmentation loss sums. */
export type LossTerm = "iou" | "dice" | "crossentropy";

/** A segmentation loss as named in experiment files: a term, or `a+b` for their sum. */
export type SegmentationLossName = LossTerm | `${LossTerm}+${LossTerm}`;

/** The losses experiment files offer (the paper trained on soft IoU). */
export const SEGMENTATION_LOSSES = [
  "iou",
  "dice",
  "crossentropy",
  "crossentropy+dice",
  "crossentropy+iou",
] as const satisfies readonly SegmentationLossName[];

const TERMS: Record<LossTerm, (weights?: tf.Tensor1D) => SegmentationLoss> = {
  iou: () => (out, oneHot, mask) => softIoULoss(out.probs, oneHot, mask),
  dice: () => (out, oneHot, mask) => softDiceLoss(out.probs, oneHot, mask),
  crossentropy: (weights) => (out, oneHot, mask) =>
    out.logits
      ? logitCrossEntropy(out.logits, oneHot, weights, mask)
      : pixelCrossEntropy(out.probs, oneHot, weights, mask),
};

/**
 * The loss named in an experiment file; `a+b` sums terms. `classWeights` weigh the
 * cross-entropy term (the overlap terms already treat classes alike), which uses the
 * logits when the output has them. When the output has logits and the active backend
 * supplies a fused version (`fused_loss.ts`), that computes it (unmasked losses only).
 */
export function segmentationLoss(
  name: SegmentationLossName,
  classWeights?: tf.Tensor1D,
): SegmentationLoss {
  const names = name.split("+");
  const terms = names.map((term) => {
    const loss = TERMS[term as LossTerm];
    if (!loss) throw new Error(`unknown segmentation loss term "${term}" in "${name}"`);
    return loss(classWeights);
  });
  return (output, oneHot, mask) => {
    const fused = !mask && output.logits && fusedSegmentationLossOf(tf.getBackend());
    const value = fused ? fused(output.logits!, oneHot, names, classWeights) : undefined;
    if (value) return value;
    return tf.tidy(() =>
      terms.map((loss) => loss(output, oneHot, mask)).reduce((a, b) => tf.add(a, b)) as tf.Scalar
    );
  };
}
