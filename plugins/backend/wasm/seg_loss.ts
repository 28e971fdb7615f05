/**
 * The segmentation loss on logits (soft IoU, soft Dice and/or pixel cross-entropy, as
 * `segmentationLoss` of `core/training/losses.ts` defines them) as one fused op on wasm:
 * one pass over the pixels computes the softmax and the per-class sums, one pass the
 * gradient w.r.t. the logits. The stock composition takes ~30 kernels forward and ~50
 * backward; one of them, the broadcasting `Equal` in the gradient of `logSumExp`'s max,
 * alone took longer than the U-Net's largest convolution on tfjs-wasm 4.22.
 *
 * Sums run in float64. Targets and class weights are constants (no gradient to them).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Heap } from "./heap.ts";
import { type LossTerms, lossTermsOf } from "../../../mod.ts";

/** Kernel names of the fused loss (registered for wasm). */
export const LOSS_KERNEL = "CampriorWasmSegLoss";
export const LOSS_GRAD_KERNEL = "CampriorWasmSegLossGrad";

/** `EPSILON` of `core/training/losses.ts`. */
const EPSILON = 1e-6;

type Inputs = Record<string, tf.TensorInfo | undefined>;
type Args = Parameters<tf.KernelFunc>[0];

/** Floats of a tensor in the wasm heap (a view: read it before allocating). */
function view(heap: Heap, info: tf.TensorInfo): Float32Array {
  const at = heap.address(info) / 4;
  return heap.floats().subarray(at, at + tf.util.sizeFromShape(info.shape));
}

/**
 * Forward: softmax probabilities `[…, C]`, and `[loss, I_0…, T_0…]` with `I_c = Σ p·y`
 * and `T_c = Σ (p + y)` over all pixels.
 */
function lossKernel({ inputs, backend, attrs }: Args): tf.TensorInfo[] {
  const { logits, targets, weights } = inputs as Inputs;
  const terms = attrs as unknown as LossTerms;
  const heap = new Heap(backend as BackendWasm);
  const probs = heap.output([...logits!.shape]);
  const stats = heap.output([1 + 2 * logits!.shape.at(-1)!]);
  const [z, y, p] = [view(heap, logits!), view(heap, targets!), view(heap, probs)];
  const w = weights ? view(heap, weights) : undefined;
  const c = logits!.shape.at(-1)!;
  const pixels = z.length / c;
  const inter = new Float64Array(c);
  const total = new Float64Array(c);
  const e = new Float64Array(c);
  let crossEntropy = 0;
  for (let i = 0; i < pixels; i++) {
    const o = i * c;
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, z[o + k]);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += e[k] = Math.exp(z[o + k] - max);
    const lse = max + Math.log(sum);
    for (let k = 0; k < c; k++) {
      const pk = e[k] / sum;
      p[o + k] = pk;
      inter[k] += pk * y[o + k];
      total[k] += pk + y[o + k];
      crossEntropy -= (w ? w[k] : 1) * y[o + k] * (z[o + k] - lse);
    }
  }
  let loss = terms.crossentropy ? crossEntropy / pixels : 0;
  for (let k = 0; k < c; k++) {
    if (terms.iou) loss += (1 - (inter[k] + EPSILON) / (total[k] - inter[k] + EPSILON)) / c;
    if (terms.dice) loss += (1 - (2 * inter[k] + EPSILON) / (total[k] + EPSILON)) / c;
  }
  const s = view(heap, stats);
  s[0] = loss;
  s.set(inter, 1);
  s.set(total, 1 + c);
  return [stats, probs];
}

/**
 * `∂loss/∂p_c = A_c·y_c + B_c` per class from the overlap terms' sums (IoU: `A = −1/(C·u) −
 * B`, `B = (I + ε)/(C·u²)` with `u = T − I + ε`; Dice: `A = −2/(C·t)`, `B = (2I + ε)/(C·t²)`
 * with `t = T + ε`).
 */
export function overlapCoefficients(
  terms: LossTerms,
  inter: ArrayLike<number>,
  total: ArrayLike<number>,
): [Float64Array, Float64Array] {
  const c = inter.length;
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    if (terms.iou) {
      const u = total[k] - inter[k] + EPSILON;
      const beta = (inter[k] + EPSILON) / (c * u * u);
      a[k] += -1 / (c * u) - beta;
      b[k] += beta;
    }
    if (terms.dice) {
      const t = total[k] + EPSILON;
      a[k] += -2 / (c * t);
      b[k] += (2 * inter[k] + EPSILON) / (c * t * t);
    }
  }
  return [a, b];
}

/** Backward: `∂loss/∂logits · dy`, through the softmax for the overlap terms. */
function lossGradKernel({ inputs, backend, attrs }: Args): tf.TensorInfo {
  const { probs, targets, weights, stats, dy } = inputs as Inputs;
  const terms = attrs as unknown as LossTerms;
  const heap = new Heap(backend as BackendWasm);
  const grad = heap.output([...probs!.shape]);
  const [p, y, g] = [view(heap, probs!), view(heap, targets!), view(heap, grad)];
  const w = weights ? view(heap, weights) : undefined;
  const s = view(heap, stats!);
  const scale = view(heap, dy!)[0];
  const c = probs!.shape.at(-1)!;
  const pixels = p.length / c;
  const [a, b] = overlapCoefficients(terms, s.subarray(1, 1 + c), s.subarray(1 + c, 1 + 2 * c));
  const overlap = terms.iou || terms.dice;
  const gp = new Float64Array(c);
  for (let i = 0; i < pixels; i++) {
    const o = i * c;
    let mean = 0;
    let weighted = 0;
    for (let k = 0; k < c; k++) {
      gp[k] = overlap ? a[k] * y[o + k] + b[k] : 0;
      mean += p[o + k] * gp[k];
      weighted += (w ? w[k] : 1) * y[o + k];
    }
    for (let k = 0; k < c; k++) {
      let d = p[o + k] * (gp[k] - mean);
      if (terms.crossentropy) d += (p[o + k] * weighted - (w ? w[k] : 1) * y[o + k]) / pixels;
      g[o + k] = d * scale;
    }
  }
  return grad;
}

/** Registers the loss kernels for wasm (once). */
export function registerLossKernels(): void {
  const kernels = [[LOSS_KERNEL, lossKernel], [LOSS_GRAD_KERNEL, lossGradKernel]] as const;
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, "wasm")) {
      tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
    }
  }
}

/**
 * The fused loss of `logits` against one-hot `targets` with the named terms, or undefined
 * where it does not apply (then the stock composition runs).
 */
export function wasmSegmentationLoss(
  logits: tf.Tensor4D,
  targets: tf.Tensor4D,
  termNames: readonly string[],
  classWeights?: tf.Tensor1D,
): tf.Scalar | undefined {
  const terms = lossTermsOf(termNames);
  const classes = logits.shape[3];
  const fits = terms && tf.util.arraysEqual(logits.shape, targets.shape) &&
    logits.dtype === "float32" && targets.dtype === "float32" &&
    (!classWeights || (classWeights.dtype === "float32" && classWeights.size === classes));
  if (!fits) return undefined;
  const attrs = terms as unknown as tf.NamedAttrMap;
  // Targets and weights are inputs (and saved) so they outlive the caller's tidy until
  // the gradient runs; their gradients are zeros.
  const constants = classWeights ? [targets, classWeights] : [targets];
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [z, y, w] = args as tf.Tensor[];
    const inputs: tf.NamedTensorMap = w
      ? { logits: z, targets: y, weights: w }
      : { logits: z, targets: y };
    const [stats, probs] = tf.engine().runKernel(LOSS_KERNEL, inputs, attrs) as tf.Tensor[];
    save([probs, stats, ...constants]);
    return {
      value: tf.reshape(tf.slice(stats, [0], [1]), []),
      gradFunc: (dy: tf.Tensor, [p, s, y2, w2]: tf.Tensor[]) => {
        const weights: tf.NamedTensorMap = w2 ? { weights: w2 } : {};
        const grad = tf.engine().runKernel(
          LOSS_GRAD_KERNEL,
          { probs: p, targets: y2, ...weights, stats: s, dy },
          attrs,
        ) as tf.Tensor;
        return [grad, ...constants.map((t) => tf.zerosLike(t))];
      },
    };
  });
  return loss(logits, ...constants) as tf.Scalar;
}
