/**
 * Where a backend plugin can supply a fused version of the segmentation loss
 * (`segmentationLoss` in `losses.ts`): one computed from the logits with the same value
 * and gradient, faster on that backend. Core never imports plugins; a plugin registers
 * here when it starts.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/**
 * A backend's fused segmentation loss: the sum of the named terms (`iou`, `dice`,
 * `crossentropy`) of `softmax(logits)` against `oneHot`, or undefined when it does not
 * handle these inputs (then the stock composition runs). Targets and weights are
 * constants: no gradient flows to them.
 */
export type FusedSegmentationLoss = (
  logits: tf.Tensor4D,
  oneHot: tf.Tensor4D,
  terms: readonly string[],
  classWeights?: tf.Tensor1D,
) => tf.Scalar | undefined;

/** Which terms the loss sums. */
export interface LossTerms {
  readonly iou: boolean;
  readonly dice: boolean;
  readonly crossentropy: boolean;
}

/** The terms of a loss name like `iou+crossentropy`, or undefined for unknown or repeated ones. */
export function lossTermsOf(names: readonly string[]): LossTerms | undefined {
  const known = ["iou", "dice", "crossentropy"];
  if (names.length === 0 || names.some((n) => !known.includes(n))) return undefined;
  if (new Set(names).size !== names.length) return undefined;
  return {
    iou: names.includes("iou"),
    dice: names.includes("dice"),
    crossentropy: names.includes("crossentropy"),
  };
}

const fused = new Map<string, FusedSegmentationLoss>();

/** Makes `loss` the fused segmentation loss of tfjs backend `backend`; undefined removes it. */
export function setFusedSegmentationLoss(
  backend: string,
  loss: FusedSegmentationLoss | undefined,
): void {
  if (loss) fused.set(backend, loss);
  else fused.delete(backend);
}

/** The fused segmentation loss of `backend`, if a plugin supplied one. */
export function fusedSegmentationLossOf(backend: string): FusedSegmentationLoss | undefined {
  return fused.get(backend);
}
