/**
 * tfjs kernel functions for conv2d on the wasm backend built on the generated kernels:
 * `Conv2D`, `FusedConv2D` (bias, ReLU), `Conv2DBackpropInput` (stride 1; larger strides
 * through the sub-pixel rewrite, whose conv lands here again) and `Conv2DBackpropFilter`.
 * Each hands what it does not cover (NCHW, other dtypes or activations) to the stock
 * kernel it replaces.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ConvGeometry } from "./conv_layout.ts";
import { convForward } from "./conv_forward.ts";
import { convFilterGrad } from "./conv_filter_grad.ts";
import { winogradApplies, winogradFilterGrad, winogradForward } from "./conv_winograd.ts";
import { type Heap, withHeap } from "./heap.ts";

type Info = tf.TensorInfo;
type Shape4 = [number, number, number, number];
/** Arguments of a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The {@linkcode ConvGeometry} of tfjs' conv info. */
export function geometryOf(c: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    n: c.batchSize,
    h: c.inHeight,
    w: c.inWidth,
    ci: c.inChannels,
    co: c.outChannels,
    fh: c.filterHeight,
    fw: c.filterWidth,
    sh: c.strideHeight,
    sw: c.strideWidth,
    dh: c.dilationHeight,
    dw: c.dilationWidth,
    top: c.padInfo.top,
    left: c.padInfo.left,
    ho: c.outHeight,
    wo: c.outWidth,
  };
}

let winograd = true;

/**
 * Whether 3×3 stride-1 convs (and their gradients) use Winograd F(4×4, 3×3) (default) or
 * the direct kernels; returns the previous setting. For comparisons and tests.
 */
export function useWinograd(on: boolean): boolean {
  const before = winograd;
  winograd = on;
  return before;
}

/** The forward conv by Winograd where it applies, else directly. */
function forward(
  heap: Heap,
  input: number,
  filter: Float32Array,
  bias: Float32Array | undefined,
  g: ConvGeometry,
  relu: boolean,
): Info {
  const fast = winograd && winogradApplies(g);
  return (fast ? winogradForward : convForward)(heap, input, filter, bias, g, relu);
}

/** A copy of a float32 tensor's values. */
function valuesOf(heap: Heap, info: Info): Float32Array {
  const at = heap.address(info) / 4;
  return heap.floats().slice(at, at + tf.util.sizeFromShape(info.shape));
}

function allFloat(...infos: (Info | undefined)[]): boolean {
  return infos.every((info) => info === undefined || info.dtype === "float32");
}

/** Attributes shared by the conv kernels. */
interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: tf.backend_util.PadInfo["type"] | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: "NHWC" | "NCHW";
  readonly dilations?: number | [number, number];
  readonly dimRoundingMode?: "floor" | "round" | "ceil";
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    a.strides,
    a.dilations ?? 1,
    a.pad as "same",
    a.dimRoundingMode,
  );
}

/** `Conv2D`: the forward conv. */
export function conv2d(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { x, filter } = args.inputs as { x: Info; filter: Info };
  const a = args.attrs as unknown as ConvAttrs;
  if (a.dataFormat === "NCHW" || !allFloat(x, filter)) return stock(args) as Info;
  const g = geometryOf(convInfo(x.shape, filter.shape, a));
  return withHeap(
    args.backend,
    (heap) => forward(heap, heap.address(x), valuesOf(heap, filter), undefined, g, false),
  );
}

/** `FusedConv2D` with a linear or ReLU activation and a per-channel (or no) bias. */
export function fusedConv2d(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, Info>;
  const a = args.attrs as unknown as ConvAttrs & { activation?: string };
  const activation = a.activation ?? "linear";
  const supported = a.dataFormat !== "NCHW" && allFloat(x, filter, bias) &&
    preluActivationWeights === undefined && (activation === "linear" || activation === "relu") &&
    (bias === undefined || tf.util.sizeFromShape(bias.shape) === filter.shape[3]);
  if (!supported) return stock(args) as Info;
  const g = geometryOf(convInfo(x.shape, filter.shape, a));
  return withHeap(args.backend, (heap) =>
    forward(
      heap,
      heap.address(x),
      valuesOf(heap, filter),
      bias && valuesOf(heap, bias),
      g,
      activation === "relu",
    ));
}

/**
 * `W[fh, fw, ci, co]` turned for the input gradient: `W'[i, j, co, ci] =
 * W[fh − 1 − i, fw − 1 − j, ci, co]`.
 */
export function flippedFilter(w: Float32Array, [fh, fw, ci, co]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * ci * co;
      const to = (i * fw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) out[to + o * ci + c] = w[from + c * co + o];
      }
    }
  }
  return out;
}

/**
 * `Conv2DBackpropInput` with stride 1: the forward conv of `dy` with the flipped filter,
 * padded by `(f − 1)·d − pad` before. Larger strides go to `strided` (the sub-pixel
 * rewrite), other cases to `stock`.
 */
export function conv2dBackpropInput(
  args: KernelArgs,
  stock: tf.KernelFunc,
  strided: (args: KernelArgs, stock: tf.KernelFunc) => Info,
): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const a = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (a.dataFormat === "NCHW" || !allFloat(dy, filter)) return stock(args) as Info;
  const c = convInfo(a.inputShape, filter.shape, a);
  if (c.strideHeight !== 1 || c.strideWidth !== 1) return strided(args, stock);
  const g = geometryOf(c);
  const grad: ConvGeometry = {
    ...g,
    h: g.ho,
    w: g.wo,
    ci: g.co,
    co: g.ci,
    top: (g.fh - 1) * g.dh - g.top,
    left: (g.fw - 1) * g.dw - g.left,
    ho: g.h,
    wo: g.w,
  };
  return withHeap(args.backend, (heap) => {
    const w = flippedFilter(valuesOf(heap, filter), filter.shape);
    return forward(heap, heap.address(dy), w, undefined, grad, false);
  });
}

/** `Conv2DBackpropFilter`. */
export function conv2dBackpropFilter(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const a = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (a.dataFormat === "NCHW" || !allFloat(x, dy)) return stock(args) as Info;
  const g = geometryOf(convInfo(x.shape, a.filterShape, a));
  const grad = winograd && winogradApplies(g) ? winogradFilterGrad : convFilterGrad;
  return withHeap(args.backend, (heap) => grad(heap, heap.address(x), heap.address(dy), g));
}
