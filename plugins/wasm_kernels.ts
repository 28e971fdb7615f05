/**
 * Kernels that training needs and the stock tfjs wasm backend (4.22) lacks.
 *
 * Found by running gradients of the usual training ops on wasm: only the gradients of
 * `conv2d` (w.r.t. the filter), `depthwiseConv2d` (both) and `gather` (w.r.t. the
 * gathered tensor) fail there. `Conv2DBackpropFilter` is built from the backend's own
 * fast Transpose and Conv2D kernels (XNNPACK); the rarer ones run the `cpu` backend's
 * kernel on copies of the data, which is exact but slow for big tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];

/** The kernels {@linkcode registerWasmTrainingKernels} adds to wasm, by kernel name. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: onCpu("DepthwiseConv2dNativeBackpropFilter"),
  DepthwiseConv2dNativeBackpropInput: onCpu("DepthwiseConv2dNativeBackpropInput"),
  UnsortedSegmentSum: onCpu("UnsortedSegmentSum"),
};

/**
 * Registers each kernel of {@linkcode WASM_TRAINING_KERNELS} that wasm does not have yet
 * (a later tfjs may ship its own). Returns the names registered by this call.
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(WASM_TRAINING_KERNELS)) {
    if (tf.getKernel(kernelName, "wasm") !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
    added.push(kernelName);
  }
  return added;
}

/** Runs stock wasm kernels inside a kernel and frees the intermediates they made. */
class WasmScope {
  readonly #made: Info[] = [];
  constructor(readonly backend: BackendWasm) {}

  /** Runs one kernel of the wasm backend; its output is freed by {@linkcode dispose}. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
    const kernel = tf.getKernel(kernelName, "wasm");
    if (kernel === undefined) {
      throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
    }
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as Info;
    this.#made.push(out);
    return out;
  }

  /** Frees every output made here except `keep`. */
  dispose(keep?: Info): void {
    for (const info of this.#made) {
      if (info !== keep) this.backend.disposeData(info.dataId);
    }
  }
}

/** Runs `body` in a {@linkcode WasmScope}; only its result survives, even on errors. */
function withScope(backend: BackendWasm, body: (scope: WasmScope) => Info): Info {
  const scope = new WasmScope(backend);
  let result: Info | undefined;
  try {
    result = body(scope);
    return result;
  } finally {
    scope.dispose(result);
  }
}

/**
 * Gradient of conv2d w.r.t. its filter, as one convolution: with the batch moved into
 * the channels, `dW[i, j, ci, co] = Σ_{n,y,x} X[n, y·s + i − pad, x·s + j − pad, ci] ·
 * dy[n, y, x, co]` is a conv2d of `X` (as `[Ci, H, W, N]`) with `dy` (as
 * `[Ho, Wo, N, Co]`) dilated by the stride, giving `[Ci, fh, fw, Co]`.
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
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

/**
 * A wasm kernel that runs the `cpu` backend's kernel of the same name on copies of its
 * inputs and copies the outputs back to wasm memory.
 */
function onCpu(kernelName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const cpu = cpuBackend(kernelName);
    const kernel = tf.getKernel(kernelName, "cpu");
    if (kernel === undefined) {
      throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
    }
    const made: tf.DataId[] = [];
    const copy = (info: Info): Info => {
      const dataId = cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype);
      made.push(dataId);
      return { dataId, shape: info.shape, dtype: info.dtype };
    };
    try {
      const cpuInputs: tf.NamedTensorInfoMap = {};
      for (const [name, info] of Object.entries(inputs)) {
        if (info !== undefined) cpuInputs[name] = copy(info);
      }
      const out = kernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      made.push(...outs.map((info) => info.dataId));
      const back = outs.map((info) =>
        wasm.makeOutput(info.shape, info.dtype, undefined, cpu.readSync(info.dataId))
      );
      return Array.isArray(out) ? back : back[0];
    } finally {
      for (const dataId of made) cpu.disposeData(dataId);
    }
  };
}

function cpuBackend(kernelName: string): tf.KernelBackend {
  const cpu = tf.findBackend("cpu");
  if (!cpu) {
    throw new Error(`wasm ${kernelName} needs the cpu backend, which failed to initialise`);
  }
  return cpu;
}
