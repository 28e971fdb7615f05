/**
 * Kernels that training needs and the stock tfjs wasm backend (4.22) lacks or runs slowly.
 *
 * Found by running gradients of the usual training ops on wasm: only the gradients of
 * `conv2d` (w.r.t. the filter), `depthwiseConv2d` (both) and `gather` (w.r.t. the
 * gathered tensor) fail there ({@linkcode WASM_TRAINING_KERNELS}; the rarer ones run the
 * `cpu` backend's kernel on copies of the data, exact but slow for big tensors).
 *
 * {@linkcode WASM_FASTER_KERNELS} replace stock kernels that profiles of U-Net training
 * showed slow: the convolutions and their gradients (wasm SIMD generated per shape, with
 * Winograd F(4×4, 3×3) for 3×3 stride-1 convs: `conv_kernels.ts`), data movement
 * (`Identity`, `Concat`, `SplitV`), the bias gradient (`Sum`), `MaxPoolGrad` and
 * broadcasting `Equal`. Each hands the cases it does not cover to the stock kernel. The
 * segmentation loss on logits is fused into one kernel each way (`seg_loss.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { conv2dBackpropFilter, conv2dBackpropInput, type KernelArgs } from "./conv_grads.ts";
import * as generated from "./conv_kernels.ts";
import { setFusedSegmentationLoss } from "../../../mod.ts";
import { equal } from "./compare_kernels.ts";
import { concat, identity, splitV } from "./copy_kernels.ts";
import { maxPoolGrad } from "./pool_kernels.ts";
import { sum } from "./reduce_kernels.ts";
import { registerLossKernels, wasmSegmentationLoss } from "./seg_loss.ts";
import type { Info } from "./scope.ts";

/** The kernels {@linkcode registerWasmTrainingKernels} adds to wasm, by kernel name. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: onCpu("DepthwiseConv2dNativeBackpropFilter"),
  DepthwiseConv2dNativeBackpropInput: onCpu("DepthwiseConv2dNativeBackpropInput"),
  UnsortedSegmentSum: onCpu("UnsortedSegmentSum"),
};

/** A faster kernel that hands the cases it does not cover to the `stock` one. */
export type FasterKernel = (args: KernelArgs, stock: tf.KernelFunc) => Info | Info[];

/** Stock wasm kernels {@linkcode registerWasmTrainingKernels} replaces, by kernel name. */
export const WASM_FASTER_KERNELS: Readonly<Record<string, FasterKernel>> = {
  Conv2D: generated.conv2d,
  FusedConv2D: generated.fusedConv2d,
  Conv2DBackpropInput: (args, stock) =>
    generated.conv2dBackpropInput(args, stock, conv2dBackpropInput),
  Conv2DBackpropFilter: generated.conv2dBackpropFilter,
  Identity: identity,
  Concat: concat,
  SplitV: splitV,
  Sum: sum,
  MaxPoolGrad: maxPoolGrad,
  Equal: equal,
};

/** The kernels replaced so far, with the stock configs to restore (if there was one). */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/**
 * Registers each kernel of {@linkcode WASM_TRAINING_KERNELS} that wasm does not have yet
 * (a later tfjs may ship its own) and, unless `faster` is false, replaces the stock
 * kernels named in {@linkcode WASM_FASTER_KERNELS}. Returns the names registered by
 * this call (none when called again).
 */
export function registerWasmTrainingKernels({ faster = true } = {}): string[] {
  const added: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(WASM_TRAINING_KERNELS)) {
    if (tf.getKernel(kernelName, "wasm") !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
    added.push(kernelName);
  }
  if (faster) {
    for (const [kernelName, kernel] of Object.entries(WASM_FASTER_KERNELS)) {
      if (replaceStock(kernelName, kernel)) added.push(kernelName);
    }
    registerLossKernels();
    setFusedSegmentationLoss("wasm", wasmSegmentationLoss);
  }
  return added;
}

/**
 * Puts back the stock kernels that faster ones replaced, and the stock composition of the
 * segmentation loss; returns the kernels' names.
 */
export function restoreStockWasmKernels(): string[] {
  setFusedSegmentationLoss("wasm", undefined);
  const restored = [...stockKernels.entries()].map(([kernelName, config]) => {
    tf.unregisterKernel(kernelName, "wasm");
    if (config) tf.registerKernel(config);
    return kernelName;
  });
  stockKernels.clear();
  return restored;
}

/** Whether the faster replacement of `kernelName` is the registered wasm kernel. */
export function usesFasterKernel(kernelName: string): boolean {
  return stockKernels.has(kernelName);
}

/**
 * Registers `kernel` as wasm's `kernelName`, keeping the stock config (and its setup
 * function, which binds the stock kernel to the wasm module) as the fallback.
 */
function replaceStock(kernelName: string, kernel: FasterKernel): boolean {
  if (stockKernels.has(kernelName)) return false;
  const stock = tf.getKernel(kernelName, "wasm");
  const fallback: tf.KernelFunc = stock?.kernelFunc ?? (() => {
    throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
  });
  stockKernels.set(kernelName, stock);
  if (stock) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({
    kernelName,
    backendName: "wasm",
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
    kernelFunc: (args) => kernel(args, fallback),
  });
  return true;
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
