/**
 * Loss functions. Segmentation losses take softmax probabilities and one-hot targets of
 * shape `[N, H, W, classes]`; each returns a scalar mean over the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

const EPSILON = 1e-6;

/** Softmax cross-entropy of class logits `[N, classes]` against one-hot targets. */
export function classificationCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar);
}

/** Per-pixel cross-entropy of probabilities against one-hot targets. */
export function pixelCrossEntropy(probs: tf.Tensor4D, oneHot: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(probs, EPSILON, 1));
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1)));
  });
}

function overlapTerms(probs: tf.Tensor4D, oneHot: tf.Tensor4D) {
  const axes = [1, 2];
  const intersection = tf.sum(tf.mul(probs, oneHot), axes);
  const total = tf.add(tf.sum(probs, axes), tf.sum(oneHot, axes));
  return { intersection, total };
}

/** 1 − soft Jaccard (IoU), averaged over classes and images: the paper's U-Net loss. */
export function softIoULoss(probs: tf.Tensor4D, oneHot: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const { intersection, total } = overlapTerms(probs, oneHot);
    const union = tf.sub(total, intersection);
    return tf.sub(1, tf.mean(tf.div(tf.add(intersection, EPSILON), tf.add(union, EPSILON))));
  });
}

/** 1 − soft Dice, averaged over classes and images. */
export function softDiceLoss(probs: tf.Tensor4D, oneHot: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const { intersection, total } = overlapTerms(probs, oneHot);
    const dice = tf.div(tf.add(tf.mul(2, intersection), EPSILON), tf.add(total, EPSILON));
    return tf.sub(1, tf.mean(dice));
  });
}

/** A segmentation loss on probabilities and one-hot targets. */
export type SegmentationLoss = (probs: tf.Tensor4D, oneHot: tf.Tensor4D) => tf.Scalar;

const TERMS: Record<string, SegmentationLoss> = {
  iou: softIoULoss,
  dice: softDiceLoss,
  crossentropy: pixelCrossEntropy,
};

/** The loss named in an experiment file; `a+b` sums terms. */
export function segmentationLoss(name: string): SegmentationLoss {
  const terms = name.split("+").map((term) => {
    const loss = TERMS[term];
    if (!loss) throw new Error(`unknown segmentation loss term "${term}" in "${name}"`);
    return loss;
  });
  return (probs, oneHot) =>
    tf.tidy(() =>
      terms.map((loss) => loss(probs, oneHot)).reduce((a, b) => tf.add(a, b)) as tf.Scalar
    );
}
