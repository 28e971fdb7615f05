/**
 * The segmentation loss on logits (soft IoU, soft Dice and/or pixel cross-entropy, as
 * `segmentationLoss` of `core/training/losses.ts` defines them) as one fused op on
 * webgpu: one pass over the pixels computes the softmax and every per-class sum the loss
 * needs (plus a one-workgroup finalize), one pass computes the gradient w.r.t. the
 * logits. The stock composition takes ~30 kernels forward and ~50 backward.
 *
 * The targets and class weights are constants here (no gradient flows to them).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { MAX_ELEMENTS } from "./gemm_plan.ts";
import { kernelCounts } from "./kernel_swap.ts";
import { groupsFor, runShader } from "./program.ts";
import { finalizeShader, gradShader, statsShader } from "./seg_loss_shader.ts";
import { type LossTerms, lossTermsOf } from "../../../mod.ts";

/** Kernel names of the fused loss (registered for webgpu only). */
export const LOSS_KERNEL = "CampriorSegLoss";
export const LOSS_GRAD_KERNEL = "CampriorSegLossGrad";

/** Most classes the unrolled shaders are generated for. */
export const MAX_CLASSES = 16;
/** Most workgroups of the stats pass (each loops over its share of the pixels). */
const STATS_GROUPS = 1024;

/** Attributes of the loss kernels. */
interface LossAttrs {
  readonly iou: boolean;
  readonly dice: boolean;
  readonly crossentropy: boolean;
  readonly classes: number;
}

function termsKey(terms: LossTerms): string {
  return (["iou", "dice", "crossentropy"] as const).filter((t) => terms[t]).join("+");
}

type Inputs = Record<string, tf.TensorInfo | undefined>;

/** The loss's `[loss, α…, β…]` from logits, targets and optional class weights. */
function lossKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { logits, targets, weights } = inputs as Inputs;
  const a = attrs as unknown as LossAttrs;
  const gpu = backend as WebGPUBackend;
  const pixels = logits!.shape.slice(0, -1).reduce((x, y) => x * y, 1);
  const groups = Math.min(STATS_GROUPS, groupsFor(pixels, 256));
  const weighted = weights !== undefined;
  const key = `${termsKey(a)}_c${a.classes}_${weighted ? "w" : "nw"}`;
  const partial = runShader(gpu, {
    key: `segloss_stats_${key}`,
    inputs: weighted ? ["zIn", "yIn", "wIn"] : ["zIn", "yIn"],
    outputShape: [groups, 3 * a.classes + 1],
    workgroupSize: [256, 1, 1],
    dispatch: [groups, 1, 1],
    uniforms: { pixels },
    code: statsShader(a.classes, a, weighted),
  }, weighted ? [logits!, targets!, weights] : [logits!, targets!]);
  try {
    return runShader(gpu, {
      key: `segloss_final_${termsKey(a)}_c${a.classes}`,
      inputs: ["partIn"],
      outputShape: [1 + 2 * a.classes],
      workgroupSize: [256, 1, 1],
      dispatch: [1, 1, 1],
      uniforms: { groups, pixels },
      code: finalizeShader(a.classes, a),
    }, [partial]);
  } finally {
    gpu.disposeData(partial.dataId);
  }
}

/** `∂loss/∂logits` from logits, targets, weights, the loss's coefficients and `dy`. */
function lossGradKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { logits, targets, weights, coefs, dy } = inputs as Inputs;
  const a = attrs as unknown as LossAttrs;
  const pixels = logits!.shape.slice(0, -1).reduce((x, y) => x * y, 1);
  const weighted = weights !== undefined;
  const names = weighted
    ? ["zIn", "yIn", "wIn", "coefIn", "dyIn"]
    : ["zIn", "yIn", "coefIn", "dyIn"];
  const tensors = [logits!, targets!, ...(weighted ? [weights] : []), coefs!, dy!];
  return runShader(backend as WebGPUBackend, {
    key: `segloss_grad_${termsKey(a)}_c${a.classes}_${weighted ? "w" : "nw"}`,
    inputs: names,
    outputShape: logits!.shape,
    workgroupSize: [256, 1, 1],
    dispatch: [Math.min(STATS_GROUPS * 4, groupsFor(pixels, 256)), 1, 1],
    uniforms: { pixels },
    code: gradShader(a.classes, a, weighted),
  }, tensors);
}

/** Registers the loss kernels for webgpu (once). */
export function registerLossKernels(): void {
  for (
    const [kernelName, kernelFunc] of [[LOSS_KERNEL, lossKernel], [
      LOSS_GRAD_KERNEL,
      lossGradKernel,
    ]] as const
  ) {
    if (!tf.getKernel(kernelName, "webgpu")) {
      tf.registerKernel({ kernelName, backendName: "webgpu", kernelFunc });
    }
  }
}

/** Why the fused loss does not take these inputs, or undefined when it does. */
function lossDeclines(
  logits: tf.Tensor,
  targets: tf.Tensor,
  weights?: tf.Tensor,
): string | undefined {
  const classes = logits.shape.at(-1) ?? 0;
  if (classes < 1 || classes > MAX_CLASSES) {
    return `${classes} classes (1–${MAX_CLASSES} implemented)`;
  }
  if (!tf.util.arraysEqual(logits.shape, targets.shape)) return "targets shaped unlike logits";
  if ([logits, targets, weights].some((t) => t && t.dtype !== "float32")) return "not float32";
  if (weights && !tf.util.arraysEqual(weights.shape, [classes])) {
    return "class weights not [classes]";
  }
  if (logits.size > MAX_ELEMENTS) return "too large for i32 indexing";
  return undefined;
}

/**
 * The fused loss of `logits` against `targets` with the named terms, or undefined when it
 * declines (then the caller computes the stock composition).
 */
export function fusedSegmentationLoss(
  logits: tf.Tensor4D,
  targets: tf.Tensor4D,
  termNames: readonly string[],
  classWeights?: tf.Tensor1D,
): tf.Scalar | undefined {
  const counts = kernelCounts("webgpu", LOSS_KERNEL);
  const terms = lossTermsOf(termNames);
  const declined = terms ? lossDeclines(logits, targets, classWeights) : `terms ${termNames}`;
  if (!terms || declined) {
    counts.stock++;
    counts.lastDeclined = declined;
    return undefined;
  }
  counts.custom++;
  const attrs = { ...terms, classes: logits.shape[3] } as unknown as tf.NamedAttrMap;
  const extra: tf.NamedTensorMap = classWeights ? { weights: classWeights } : {};
  const loss = tf.customGrad((z, save) => {
    const coefs = tf.engine().runKernel(
      LOSS_KERNEL,
      { logits: z as tf.Tensor, targets, ...extra },
      attrs,
    ) as tf.Tensor;
    (save as tf.GradSaveFunc)([z as tf.Tensor, coefs]);
    return {
      value: tf.reshape(tf.slice(coefs, [0], [1]), []),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(LOSS_GRAD_KERNEL, {
          logits: saved[0],
          targets,
          ...extra,
          coefs: saved[1],
          dy,
        }, attrs) as tf.Tensor,
    };
  });
  return loss(logits) as tf.Scalar;
}
