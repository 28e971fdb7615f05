/**
 * `Equal` with broadcasting, in plain JavaScript over the wasm heap. tfjs-wasm 4.22's
 * kernel walks broadcast shapes one element at a time through index arithmetic: comparing
 * `[8, 128, 128, 4]` with `[8, 128, 128, 1]` (the gradient of the max in `logSumExp`) took
 * longer than the U-Net's largest convolution, and `[…, 1]` with `[classes]` builds every
 * batch's one-hot targets. Shapes that reduce to two broadcast axes take this path; the
 * rest go to stock.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Heap } from "./heap.ts";
import type { KernelArgs } from "./conv_kernels.ts";

type Info = tf.TensorInfo;

/** An operand over `[rows, cols]`: element `(r, c)` at `r·rowStride + c·colStride`. */
export interface Operand2D {
  readonly rowStride: number;
  readonly colStride: number;
}

/** The output as `[rows, cols]` with each operand's strides. */
export interface Broadcast2D {
  readonly rows: number;
  readonly cols: number;
  readonly a: Operand2D;
  readonly b: Operand2D;
}

/**
 * Merges the broadcast output axes into at most two groups (runs of axes where each
 * operand either has them or is broadcast over them), or undefined when more are needed.
 */
export function broadcast2D(
  aShape: readonly number[],
  bShape: readonly number[],
): Broadcast2D | undefined {
  const out = tf.backend_util.assertAndGetBroadcastShape([...aShape], [...bShape]);
  const padded = (
    shape: readonly number[],
  ) => [...Array(out.length - shape.length).fill(1), ...shape];
  const [a, b] = [padded(aShape), padded(bShape)];
  const groups: { size: number; aFull: boolean; bFull: boolean }[] = [];
  out.forEach((size, i) => {
    if (size === 1) return;
    const [aFull, bFull] = [a[i] !== 1, b[i] !== 1];
    const last = groups.at(-1);
    if (last && last.aFull === aFull && last.bFull === bFull) last.size *= size;
    else groups.push({ size, aFull, bFull });
  });
  if (groups.length > 2) return undefined;
  while (groups.length < 2) groups.unshift({ size: 1, aFull: true, bFull: true });
  const [outer, inner] = groups;
  const operand = (full: (g: typeof outer) => boolean): Operand2D => ({
    rowStride: full(outer) ? (full(inner) ? inner.size : 1) : 0,
    colStride: full(inner) ? 1 : 0,
  });
  return {
    rows: outer.size,
    cols: inner.size,
    a: operand((g) => g.aFull),
    b: operand((g) => g.bFull),
  };
}

/** Typed views of a tensor's data in the heap. */
function values(heap: Heap, info: Info): Float32Array | Int32Array | Uint8Array {
  const buffer = heap.memory.buffer;
  const size = tf.util.sizeFromShape(info.shape);
  const at = heap.address(info);
  if (info.dtype === "float32") return new Float32Array(buffer, at, size);
  if (info.dtype === "int32") return new Int32Array(buffer, at, size);
  return new Uint8Array(buffer, at, size);
}

/** `Equal` for numeric and boolean inputs whose broadcast is two-dimensional. */
export function equal(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const plan = a.dtype === b.dtype && a.dtype !== "string" && a.dtype !== "complex64"
    ? broadcast2D(a.shape, b.shape)
    : undefined;
  if (!plan) return stock(args) as Info;
  const heap = new Heap(args.backend as BackendWasm);
  const shape = tf.backend_util.assertAndGetBroadcastShape([...a.shape], [...b.shape]);
  const out = heap.backend.makeOutput(shape, "bool");
  const [x, y] = [values(heap, a), values(heap, b)];
  const result = new Uint8Array(heap.memory.buffer, heap.address(out), plan.rows * plan.cols);
  for (let r = 0; r < plan.rows; r++) {
    const [ax, by, o] = [r * plan.a.rowStride, r * plan.b.rowStride, r * plan.cols];
    for (let c = 0; c < plan.cols; c++) {
      result[o + c] = x[ax + c * plan.a.colStride] === y[by + c * plan.b.colStride] ? 1 : 0;
    }
  }
  return out;
}
