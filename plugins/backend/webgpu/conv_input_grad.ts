/**
 * `Conv2DBackpropInput` (the input gradient, and the forward pass of a transposed
 * convolution) as one implicit GEMM:
 * `dx[b·H·W, Ci] = A[b·H·W, kh·kw·Co] · B[kh·kw·Co, Ci]`, where `A` gathers `dy` at
 * `((h + padT − kr) / sh, (w + padL − kc) / sw)` when that divides exactly and lies inside
 * `dy`, and `B[(kr, kc, co), ci] = filter[kr, kc, ci, co]`.
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
import { gemmShader, guardedRead, rowMajorStore, type Tile } from "./gemm_shader.ts";
import type { Declined } from "./kernel_swap.ts";

const HELPERS = `
${guardedRead("cp_dyAt", "dyIn")}
${guardedRead("cp_wAt", "wIn")}
fn cp_row(m: i32) -> vec4<i32> {
  ${decodeGrid("m", "uniforms.H", "uniforms.W")}
  return vec4<i32>(cp_n, cp_r + uniforms.padT, cp_c + uniforms.padL, select(0, 1, m < uniforms.M));
}
fn cp_col(k: i32) -> vec4<i32> {
  ${decodeGrid("k", "uniforms.kw", "uniforms.Co")}
  return vec4<i32>(cp_n, cp_r, cp_c, select(0, 1, k < uniforms.K));
}
fn cp_a(r: vec4<i32>, c: vec4<i32>) -> f32 {
  let th = r.y - c.x;
  let tw = r.z - c.y;
  let oh = th / uniforms.sh;
  let ow = tw / uniforms.sw;
  let ok = r.w == 1 && c.w == 1 && th >= 0 && tw >= 0 && oh * uniforms.sh == th &&
    ow * uniforms.sw == tw && oh < uniforms.Ho && ow < uniforms.Wo;
  return cp_dyAt(ok, ((r.x * uniforms.Ho + oh) * uniforms.Wo + ow) * uniforms.Co + c.z);
}
fn cp_b4(k: i32, n: i32) -> vec4<f32> {
  let krc = k / uniforms.Co;
  let co = k - krc * uniforms.Co;
  let base = (krc * uniforms.Ci + n) * uniforms.Co + co;
  let step = uniforms.Co;
  return vec4<f32>(cp_wAt(true, base), cp_wAt(n + 1 < uniforms.N, base + step),
                   cp_wAt(n + 2 < uniforms.N, base + 2 * step),
                   cp_wAt(n + 3 < uniforms.N, base + 3 * step));
}
${rowMajorStore()}
`;

/** The input-gradient shader for a tile. */
export function inputGradShader(tile: Tile): string {
  return gemmShader(tile, HELPERS);
}

interface InputGradArgs {
  readonly inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  readonly attrs: ConvAttrs & { inputShape: [number, number, number, number] };
  readonly backend: WebGPUBackend;
}

/** `Conv2DBackpropInput` on webgpu, or the reason to run the stock kernel. */
export function conv2dInputGrad(rawArgs: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | Declined {
  const args = rawArgs as unknown as InputGradArgs;
  const { dy, filter } = args.inputs;
  const info = convInfoOf(args.attrs.inputShape, filter.shape, { ...args.attrs, dilations: 1 });
  const declined = convDeclines(info, [dy, filter]);
  if (declined) return { declined };
  const m = info.batchSize * info.inHeight * info.inWidth;
  const k = info.filterHeight * info.filterWidth * info.outChannels;
  const plan = planGemm(m, info.inChannels, k, { limits: limitsOf(args.backend) });
  if ("declined" in plan) return plan;
  return runConvGemm(args.backend, plan, info, {
    key: "conv2d_dx",
    inputs: ["dyIn", "wIn"],
    outputShape: info.inShape,
    code: inputGradShader(plan.tile),
  }, [dy, filter]);
}
