/**
 * Running a hand-written WGSL compute shader through tfjs-webgpu's program machinery, so
 * it shares tfjs' command encoder, buffer pool and pipeline cache. tfjs prepends its
 * preamble (bindings `result` and one `array<f32>` per input, the `uniforms` struct, and
 * the private `localId`, `localIndex`, `workgroupId`, `numWorkgroups` copies of the
 * built-ins); the shader defines `fn main()`.
 *
 * Every shape-dependent number travels as an `i32` uniform, so one compiled pipeline serves
 * all shapes; what changes the code (tile sizes, flags) goes into the shader key.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend, WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";

/** Most workgroups a dispatch may have in one dimension (WebGPU's default limit). */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** A shader and everything needed to dispatch it once. */
export interface ShaderRun {
  /** Unique among camprior's shaders; must name everything baked into `code`. */
  readonly key: string;
  /** Names of the input bindings, in the order of the inputs. */
  readonly inputs: readonly string[];
  readonly outputShape: readonly number[];
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  /** `i32` uniforms, read in the shader as `uniforms.<name>`. */
  readonly uniforms: Readonly<Record<string, number>>;
  /** WGSL defining `fn main()` (and any helpers, prefixed `cp_`). */
  readonly code: string;
}

/** Dispatches `run` on `backend` with `inputs`; returns the new float32 output. */
export function runShader(
  backend: WebGPUBackend,
  run: ShaderRun,
  inputs: readonly tf.TensorInfo[],
): tf.TensorInfo {
  if (run.dispatch.some((d) => d > MAX_WORKGROUPS_PER_DIMENSION)) {
    throw new Error(`camprior ${run.key}: dispatch ${run.dispatch} exceeds WebGPU's limits`);
  }
  const names = Object.keys(run.uniforms);
  const program: WebGPUProgram = {
    shaderKey: `camprior_${run.key}`,
    variableNames: [...run.inputs],
    outputShape: [...run.outputShape],
    // A y-only layout makes tfjs call `main()` without a global index.
    dispatchLayout: { x: [], y: [0] },
    dispatch: [...run.dispatch],
    workgroupSize: [...run.workgroupSize],
    uniforms: names.map((name) => `${name} : i32,`).join(" "),
    getUserCode: () => run.code,
  };
  const uniforms = names.map((name) => ({ type: "int32", data: [run.uniforms[name]] }));
  return backend.runWebGPUProgram(program, [...inputs], "float32", uniforms);
}

/** Whole workgroups covering `size` items at `perGroup` each. */
export function groupsFor(size: number, perGroup: number): number {
  return Math.max(1, Math.ceil(size / perGroup));
}
