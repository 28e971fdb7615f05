/**
 * The two gradients of conv2d on the wasm backend, each rewritten as forward convolutions
 * so that they run on the backend's fast XNNPACK `Conv2D` kernel:
 *
 * - {@linkcode conv2dBackpropFilter}: the stock wasm backend (tfjs 4.22) has none;
 * - {@linkcode conv2dBackpropInput}: the stock one is a scalar loop, 10–20× slower than
 *   the forward convolution of the same size, and dominated the U-Net training step.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type Info, type WasmScope, withScope } from "./scope.ts";

/** Arguments of a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];

/**
 * Gradient of conv2d w.r.t. its filter, as one convolution: with the batch moved into
 * the channels, `dW[i, j, ci, co] = Σ_{n,y,x} X[n, y·s + i − pad, x·s + j − pad, ci] ·
 * dy[n, y, x, co]` is a conv2d of `X` (as `[Ci, H, W, N]`) with `dy` (as
 * `[Ho, Wo, N, Co]`) dilated by the stride, giving `[Ci, fh, fw, Co]`.
 */
export function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (a.dataFormat === "NCHW") {
    throw new Error("wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only");
  }
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const [rows, cols] = spans(conv);
  return withScope(backend as BackendWasm, (scope) => {
    const used = rows.crop > 0 || cols.crop > 0
      ? scope.run("Slice", { x }, {
        begin: [0, 0, 0, 0],
        size: [-1, x.shape[1] - rows.crop, x.shape[2] - cols.crop, -1],
      })
      : x;
    const xT = scope.run("Transpose", { x: used }, { perm: [3, 1, 2, 0] });
    const dyT = scope.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
    const grad = scope.run("Conv2D", { x: xT, filter: dyT }, {
      strides: 1,
      dilations: [conv.strideHeight, conv.strideWidth],
      pad: [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]],
      dataFormat: "NHWC",
    });
    return scope.run("Transpose", { x: grad }, { perm: [1, 2, 0, 3] });
  });
}

/** Padding before/after one spatial axis, and input rows past the last one used. */
interface Span {
  readonly before: number;
  readonly after: number;
  readonly crop: number;
}

/** The row and column {@linkcode Span}s of a forward conv. */
function spans(conv: tf.backend_util.Conv2DInfo): [Span, Span] {
  return [
    span(conv.inHeight, conv.padInfo.top, conv.outHeight, conv.strideHeight, conv.filterHeight),
    span(conv.inWidth, conv.padInfo.left, conv.outWidth, conv.strideWidth, conv.filterWidth),
  ];
}

/**
 * Along one axis of size `size`, the forward conv reads padded positions
 * `0 … (out − 1)·stride + filter − 1`; pad or crop the input to exactly that.
 */
function span(size: number, before: number, out: number, stride: number, filter: number): Span {
  const after = (out - 1) * stride + filter - before - size;
  return { before, after: Math.max(after, 0), crop: Math.max(-after, 0) };
}

/** How one spatial axis of conv2d's input gradient is computed by a stride-1 conv. */
export interface InputGradAxis {
  readonly stride: number;
  /** Filter size of the sub-pixel conv along this axis. */
  readonly taps: number;
  /** `dy` rows to pad before the first one (negative: rows to drop). */
  readonly before: number;
  /** `dy` rows to pad after the last one (negative: rows to drop). */
  readonly after: number;
  /** Rows the sub-pixel conv outputs per phase. */
  readonly rows: number;
  /** Where `dx` starts in the interleaved phases. */
  readonly offset: number;
}

/**
 * Plans one axis of the input gradient of a forward conv with input size `inSize`,
 * output size `outSize`, `stride`, `filter` taps and `padBefore`. Padded input row
 * `P = y·stride + i` gets `dy[y] · W[i]`; the rows `P = stride·m + r` of phase `r` get
 * only taps `i = r + stride·k`, so each phase is a stride-1 correlation of `dy` with
 * those taps reversed, `⌈filter / stride⌉` of them at most (phases with fewer get zero
 * taps in front). The phases, interleaved, give the padded input rows from
 * `stride·⌊padBefore / stride⌋` on.
 */
export function inputGradAxis(
  inSize: number,
  outSize: number,
  stride: number,
  filter: number,
  padBefore: number,
): InputGradAxis {
  const first = Math.floor(padBefore / stride);
  const rows = Math.ceil((padBefore + inSize) / stride) - first;
  const taps = Math.ceil(filter / stride);
  return {
    stride,
    taps,
    before: taps - 1 - first,
    after: first + rows - outSize,
    rows,
    offset: padBefore - stride * first,
  };
}

/**
 * The filter of the sub-pixel conv: `W` (`[fh, fw, Ci, Co]`) rearranged to
 * `[rows.taps, cols.taps, Co, s·s·Ci]`, the output channels of phase `(ry, rx)` at
 * `(ry·s + rx)·Ci`, each tap `W[ry + s·(taps − 1 − ky), rx + s·(taps − 1 − kx)]` with
 * in/out channels swapped, or zero where that lies outside `W`.
 */
export function subPixelFilter(
  w: Float32Array,
  [fh, fw, ci, co]: readonly number[],
  rows: InputGradAxis,
  cols: InputGradAxis,
): Float32Array {
  const [sy, sx] = [rows.stride, cols.stride];
  const channels = sy * sx * ci;
  const out = new Float32Array(rows.taps * cols.taps * co * channels);
  for (let ky = 0; ky < rows.taps; ky++) {
    for (let kx = 0; kx < cols.taps; kx++) {
      for (let phase = 0; phase < sy * sx; phase++) {
        const i = Math.floor(phase / sx) + sy * (rows.taps - 1 - ky);
        const j = (phase % sx) + sx * (cols.taps - 1 - kx);
        if (i >= fh || j >= fw) continue;
        const from = (i * fw + j) * ci * co;
        const to = (ky * cols.taps + kx) * co * channels + phase * ci;
        for (let c = 0; c < ci; c++) {
          for (let o = 0; o < co; o++) out[to + o * channels + c] = w[from + c * co + o];
        }
      }
    }
  }
  return out;
}

/** What the sub-pixel conv of {@linkcode conv2dBackpropInput} needs to know. */
interface SubPixelPlan {
  readonly conv: tf.backend_util.Conv2DInfo;
  readonly rows: InputGradAxis;
  readonly cols: InputGradAxis;
}

/**
 * Gradient of conv2d w.r.t. its input (also the forward pass of a transposed conv) as
 * one stride-1 "sub-pixel" conv of `dy`: its `s²·Ci` output channels are the `s²`
 * phases of the stride, which a depth-to-space rearrangement interleaves. Calls `stock`
 * for what this does not cover (`NCHW`, non-float32, unequal strides, padding that drops
 * every `dy` row).
 */
export function conv2dBackpropInput(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const plan = subPixelPlan(args);
  if (!plan) return stock(args) as Info;
  return withScope(
    args.backend as BackendWasm,
    (scope) => subPixelGradient(scope, dy, filter, plan),
  );
}

/** The plan of a `Conv2DBackpropInput` call, or undefined where the stock kernel must run. */
function subPixelPlan({ inputs, attrs }: KernelArgs): SubPixelPlan | undefined {
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (a.dataFormat === "NCHW" || dy.dtype !== "float32" || filter.dtype !== "float32") {
    return undefined;
  }
  const conv = tf.backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as Shape4,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const { inHeight, outHeight, strideHeight, filterHeight, inWidth, outWidth } = conv;
  const rows = inputGradAxis(inHeight, outHeight, strideHeight, filterHeight, conv.padInfo.top);
  const cols = inputGradAxis(
    inWidth,
    outWidth,
    conv.strideWidth,
    conv.filterWidth,
    conv.padInfo.left,
  );
  const usable = rows.stride === cols.stride && keepsRows(rows, outHeight) &&
    keepsRows(cols, outWidth);
  return usable ? { conv, rows, cols } : undefined;
}

/** Runs the sub-pixel conv of a plan, interleaves its phases and cuts out `dx`. */
function subPixelGradient(scope: WasmScope, dy: Info, filter: Info, plan: SubPixelPlan): Info {
  const { conv, rows, cols } = plan;
  const values = subPixelFilter(
    scope.backend.readSync(filter.dataId) as Float32Array,
    filter.shape,
    rows,
    cols,
  );
  const shape = [rows.taps, cols.taps, conv.outChannels, rows.stride ** 2 * conv.inChannels];
  const taps = scope.keep(scope.backend.makeOutput(shape, "float32", undefined, values));
  const phases = scope.run("Conv2D", { x: cropped(scope, dy, rows, cols), filter: taps }, {
    strides: 1,
    dilations: 1,
    pad: [[0, 0], padding(rows), padding(cols), [0, 0]],
    dataFormat: "NHWC",
  });
  const full = rows.stride === 1 ? phases : depthToSpace(scope, phases, rows.stride);
  const exact = full.shape[1] === conv.inHeight && full.shape[2] === conv.inWidth;
  if (exact && rows.offset === 0 && cols.offset === 0) return full;
  return scope.run("Slice", { x: full }, {
    begin: [0, rows.offset, cols.offset, 0],
    size: [-1, conv.inHeight, conv.inWidth, -1],
  });
}

/**
 * Moves `[s, s]` blocks of channels to space, like tfjs' `DepthToSpace` (NHWC), as a
 * reshape and a rank-4 transpose: wasm's `DepthToSpace` took 200 ms where the transpose
 * took 14 ms (8×64×64×64).
 */
function depthToSpace(scope: WasmScope, x: Info, s: number): Info {
  const [n, h, w, c] = x.shape;
  const blocks = scope.run("Reshape", { x }, { shape: [n * h, w, s, c / s] });
  const moved = scope.run("Transpose", { x: blocks }, { perm: [0, 2, 1, 3] });
  return scope.run("Reshape", { x: moved }, { shape: [n, h * s, w * s, c / (s * s)] });
}

/** Whether some `dy` rows are left once an axis drops those it does not need. */
function keepsRows(axis: InputGradAxis, outSize: number): boolean {
  return outSize + Math.min(axis.before, 0) + Math.min(axis.after, 0) > 0;
}

/** The non-negative part of an axis' padding. */
function padding(axis: InputGradAxis): [number, number] {
  return [Math.max(axis.before, 0), Math.max(axis.after, 0)];
}

/** `dy` without the rows and columns the sub-pixel conv does not read. */
function cropped(scope: WasmScope, dy: Info, rows: InputGradAxis, cols: InputGradAxis): Info {
  const [top, left] = [Math.max(-rows.before, 0), Math.max(-cols.before, 0)];
  const [bottom, right] = [Math.max(-rows.after, 0), Math.max(-cols.after, 0)];
  if (top + bottom + left + right === 0) return dy;
  return scope.run("Slice", { x: dy }, {
    begin: [0, top, left, 0],
    size: [-1, dy.shape[1] - top - bottom, dy.shape[2] - left - right, -1],
  });
}
