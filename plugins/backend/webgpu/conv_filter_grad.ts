/**
 * `Conv2DBackpropFilter` (the filter gradient) as an implicit GEMM with split-K:
 * `dW[kh·kw·Ci, Co] = im2colᵀ(x)[kh·kw·Ci, b·Ho·Wo] · dy[b·Ho·Wo, Co]`. The output is
 * small (9·Ci·Co for 3×3) and the reduction long (batch × height × width), so the
 * reduction is cut into slices computed by separate workgroups, each writing a partial
 * `dW`, and a second pass sums the partials.
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
import { DEFAULT_SPLIT, planGemm, type SplitTuning } from "./gemm_plan.ts";
import { gemmShader, guardedRead, rowMajorB, rowMajorStore, type Tile } from "./gemm_shader.ts";
import type { Declined } from "./kernel_swap.ts";
import { groupsFor, runShader } from "./program.ts";

const HELPERS = `
${guardedRead("cp_xAt", "xIn")}
fn cp_row(m: i32) -> vec4<i32> {
  ${decodeGrid("m", "uniforms.kw", "uniforms.Ci")}
  return vec4<i32>(cp_n - uniforms.padT, cp_r - uniforms.padL, cp_c, select(0, 1, m < uniforms.M));
}
fn cp_col(k: i32) -> vec4<i32> {
  ${decodeGrid("k", "uniforms.Ho", "uniforms.Wo")}
  return vec4<i32>(cp_n, cp_r * uniforms.sh, cp_c * uniforms.sw, select(0, 1, k < uniforms.K));
}
fn cp_a(r: vec4<i32>, c: vec4<i32>) -> f32 {
  let ih = c.y + r.x;
  let iw = c.z + r.y;
  let ok = r.w == 1 && c.w == 1 && ih >= 0 && ih < uniforms.H && iw >= 0 && iw < uniforms.W;
  return cp_xAt(ok, ((c.x * uniforms.H + ih) * uniforms.W + iw) * uniforms.Ci + r.z);
}
${rowMajorB("dyIn")}
${rowMajorStore("v", "i32(workgroupId.z) * uniforms.M * uniforms.N")}
`;

/** The filter-gradient shader for a tile (one partial `dW` per K slice). */
export function filterGradShader(tile: Tile): string {
  return gemmShader(tile, HELPERS);
}

/** Workgroups of the reduction pass at most; each thread strides over the outputs. */
const REDUCE_GROUPS = 4096;

/** Sums `splits` partial results of `total` values each: `out[i] = Σ_s part[s·total + i]`. */
const REDUCE_SHADER = `
fn main() {
  let stride = i32(numWorkgroups.x) * 256;
  for (var i = i32(workgroupId.x) * 256 + i32(localIndex); i < uniforms.total; i = i + stride) {
    var sum = 0.0;
    for (var s = 0; s < uniforms.splits; s = s + 1) {
      sum = sum + partIn[s * uniforms.total + i];
    }
    result[i] = sum;
  }
}
`;

let tuning: SplitTuning = DEFAULT_SPLIT;

/**
 * Changes when the filter gradient splits K (tests force splits on small shapes;
 * benchmarks may tune); returns the previous setting.
 */
export function setFilterGradSplit(next: SplitTuning): SplitTuning {
  const previous = tuning;
  tuning = next;
  return previous;
}

interface FilterGradArgs {
  readonly inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  readonly attrs: ConvAttrs & { filterShape: [number, number, number, number] };
  readonly backend: WebGPUBackend;
}

/** `Conv2DBackpropFilter` on webgpu, or the reason to run the stock kernel. */
export function conv2dFilterGrad(rawArgs: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | Declined {
  const args = rawArgs as unknown as FilterGradArgs;
  const { x, dy } = args.inputs;
  const { backend } = args;
  const info = convInfoOf(x.shape, args.attrs.filterShape, { ...args.attrs, dilations: 1 });
  const declined = convDeclines(info, [x, dy]);
  if (declined) return { declined };
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const k = info.batchSize * info.outHeight * info.outWidth;
  const plan = planGemm(m, info.outChannels, k, { limits: limitsOf(backend), split: tuning });
  if ("declined" in plan) return plan;
  const partial = runConvGemm(backend, plan, info, {
    key: "conv2d_dw",
    inputs: ["xIn", "dyIn"],
    outputShape: plan.splits > 1 ? [plan.splits, m, info.outChannels] : info.filterShape,
    code: filterGradShader(plan.tile),
  }, [x, dy]);
  if (plan.splits === 1) return partial;
  const total = m * info.outChannels;
  try {
    return runShader(backend, {
      key: "conv2d_dw_reduce",
      inputs: ["partIn"],
      outputShape: info.filterShape,
      workgroupSize: [256, 1, 1],
      dispatch: [Math.min(REDUCE_GROUPS, groupsFor(total, 256)), 1, 1],
      uniforms: { total, splits: plan.splits },
      code: REDUCE_SHADER,
    }, [partial]);
  } finally {
    backend.disposeData(partial.dataId);
  }
}
