/**
 * `Conv2D` and `FusedConv2D` (bias, then ReLU or nothing) as one implicit GEMM:
 * `out[b·Ho·Wo, Co] = im2col(x)[b·Ho·Wo, kh·kw·Ci] · filter[kh·kw·Ci, Co]`; the filter in
 * tfjs' HWIO layout already is the right-hand matrix. Bias and ReLU are applied to the
 * accumulators before the single write.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import {
  type ConvAttrs,
  convDeclines,
  convInfoOf,
  decodeGrid,
  limitsOf,
  runConvGemm,
} from "./conv_geometry.ts";
import { planGemm } from "./gemm_plan.ts";
import { gemmShader, guardedRead, rowMajorB, rowMajorStore, type Tile } from "./gemm_shader.ts";
import type { Declined } from "./kernel_swap.ts";

/** Activations the fused kernel applies itself; others go to the stock kernel. */
const ACTIVATIONS = ["linear", "relu"] as const;

const HELPERS = `
${guardedRead("cp_xAt", "xIn")}
fn cp_row(m: i32) -> vec4<i32> {
  ${decodeGrid("m", "uniforms.Ho", "uniforms.Wo")}
  return vec4<i32>(cp_n, cp_r * uniforms.sh - uniforms.padT, cp_c * uniforms.sw - uniforms.padL,
                   select(0, 1, m < uniforms.M));
}
fn cp_col(k: i32) -> vec4<i32> {
  ${decodeGrid("k", "uniforms.kw", "uniforms.Ci")}
  return vec4<i32>(cp_n, cp_r, cp_c, select(0, 1, k < uniforms.K));
}
fn cp_a(r: vec4<i32>, c: vec4<i32>) -> f32 {
  let ih = r.y + c.x;
  let iw = r.z + c.y;
  let ok = r.w == 1 && c.w == 1 && ih >= 0 && ih < uniforms.H && iw >= 0 && iw < uniforms.W;
  return cp_xAt(ok, ((r.x * uniforms.H + ih) * uniforms.W + iw) * uniforms.Ci + c.z);
}
${rowMajorB("wIn")}
`;

function biasHelpers(hasBias: boolean): string {
  if (!hasBias) return "";
  return `${guardedRead("cp_biasAt", "biasIn")}
fn cp_bias4(n: i32) -> vec4<f32> {
  return vec4<f32>(cp_biasAt(true, n), cp_biasAt(n + 1 < uniforms.N, n + 1),
                   cp_biasAt(n + 2 < uniforms.N, n + 2), cp_biasAt(n + 3 < uniforms.N, n + 3));
}`;
}

/** The epilogue applied to the accumulators `v` of columns `n..n+3`. */
function epilogue(hasBias: boolean, relu: boolean): string {
  const biased = hasBias ? "v + cp_bias4(n)" : "v";
  return relu ? `max(${biased}, vec4<f32>(0.0))` : biased;
}

/** The forward shader for a tile, with or without bias and ReLU. */
export function forwardShader(tile: Tile, hasBias: boolean, relu: boolean): string {
  const helpers = HELPERS + biasHelpers(hasBias) + rowMajorStore(epilogue(hasBias, relu));
  return gemmShader(tile, helpers);
}

/** The inputs and attributes of `Conv2D` and `FusedConv2D`. */
interface ForwardArgs {
  readonly inputs: {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  readonly attrs: ConvAttrs & { activation?: string };
  readonly backend: WebGPUBackend;
}

/** Why the fused part (bias, activation) is not handled, or undefined. */
function fusedDeclines(args: ForwardArgs, outChannels: number): string | undefined {
  const { bias, preluActivationWeights } = args.inputs;
  const activation = args.attrs.activation ?? "linear";
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    return `activation ${activation}`;
  }
  if (preluActivationWeights) return "prelu weights";
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    return `bias of shape [${bias.shape}] (only [outChannels] is implemented)`;
  }
  return undefined;
}

/** `Conv2D` / `FusedConv2D` on webgpu, or the reason to run the stock kernel. */
export function conv2dForward(rawArgs: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | Declined {
  const args = rawArgs as unknown as ForwardArgs;
  const { x, filter, bias } = args.inputs;
  const info = convInfoOf(x.shape, filter.shape, args.attrs);
  const declined = convDeclines(info, bias ? [x, filter, bias] : [x, filter]) ??
    fusedDeclines(args, info.outChannels);
  if (declined) return { declined };
  const m = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const plan = planGemm(m, info.outChannels, k, { limits: limitsOf(args.backend) });
  if ("declined" in plan) return plan;
  const relu = args.attrs.activation === "relu";
  const tensors = bias ? [x, filter, bias] : [x, filter];
  return runConvGemm(args.backend, plan, info, {
    key: `conv2d_${bias ? "bias" : "nobias"}_${relu ? "relu" : "linear"}`,
    inputs: bias ? ["xIn", "wIn", "biasIn"] : ["xIn", "wIn"],
    outputShape: info.outShape,
    code: forwardShader(plan.tile, Boolean(bias), relu),
  }, tensors);
}
