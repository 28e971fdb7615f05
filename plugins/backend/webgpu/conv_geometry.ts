/**
 * What the conv2d kernels share: the geometry of a convolution as the `i32` uniforms
 * their shaders read, the cases they leave to the stock kernels, and the device limits.
 *
 * @module
 */
import { backend_util, type TensorInfo } from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import type { GemmLimits, GemmPlan } from "./gemm_plan.ts";
import { runShader } from "./program.ts";

/** tfjs' description of a 2-D convolution. */
export type ConvInfo = backend_util.Conv2DInfo;

/** The attributes every conv2d kernel has. */
export interface ConvAttrs {
  readonly strides: [number, number] | number;
  readonly pad: "valid" | "same" | number | backend_util.ExplicitPadding;
  readonly dataFormat: "NHWC" | "NCHW";
  readonly dimRoundingMode?: "floor" | "round" | "ceil";
  readonly dilations?: [number, number] | number;
}

/** The convolution described by `attrs` on input `xShape` and filter `filterShape`. */
export function convInfoOf(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): ConvInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/** Why the custom kernels do not take this convolution, or undefined when they do. */
export function convDeclines(info: ConvInfo, tensors: readonly TensorInfo[]): string | undefined {
  if (info.dataFormat !== "channelsLast") return "only NHWC is implemented";
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return "dilated convolution";
  if (tensors.some((t) => t.dtype !== "float32")) return "only float32 is implemented";
  return undefined;
}

/** The `i32` uniforms describing the convolution in the shaders. */
export function convUniforms(info: ConvInfo): Record<string, number> {
  return {
    H: info.inHeight,
    W: info.inWidth,
    Ci: info.inChannels,
    Ho: info.outHeight,
    Wo: info.outWidth,
    Co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padT: info.padInfo.top,
    padL: info.padInfo.left,
  };
}

/** The limits of `backend`'s device the plans must respect. */
export function limitsOf(backend: WebGPUBackend): GemmLimits {
  return { maxStorageBytes: backend.device.limits.maxStorageBufferBindingSize };
}

/** WGSL decoding flat index `i` of an `[N, rows, cols]` grid into `(n, row, col)`. */
export function decodeGrid(i: string, rows: string, cols: string): string {
  return `let cp_per = ${rows} * ${cols};
  let cp_n = ${i} / cp_per;
  let cp_rest = ${i} - cp_n * cp_per;
  let cp_r = cp_rest / ${cols};
  let cp_c = cp_rest - cp_r * ${cols};`;
}

/** What differs between the conv GEMM dispatches: the shader and its bindings. */
export interface ConvGemm {
  /** Shader key before the tile name, naming every flag baked into `code`. */
  readonly key: string;
  /** Binding names, in the order of `tensors`. */
  readonly inputs: readonly string[];
  readonly outputShape: readonly number[];
  readonly code: string;
}

/** Dispatches a conv GEMM shader as `plan` says, with the convolution's uniforms. */
export function runConvGemm(
  backend: WebGPUBackend,
  plan: GemmPlan,
  info: ConvInfo,
  gemm: ConvGemm,
  tensors: readonly TensorInfo[],
): TensorInfo {
  return runShader(backend, {
    key: `${gemm.key}_${plan.tile.name}`,
    inputs: gemm.inputs,
    outputShape: gemm.outputShape,
    workgroupSize: [plan.tile.wgX, plan.tile.wgY, 1],
    dispatch: plan.dispatch,
    uniforms: { ...plan.uniforms, ...convUniforms(info) },
    code: gemm.code,
  }, tensors);
}
