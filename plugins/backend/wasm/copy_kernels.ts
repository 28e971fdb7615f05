/**
 * Kernels that only move data, faster than tfjs-wasm's: `Identity` shares the buffer
 * (tfjs counts references) where stock copies it; `Concat` and `SplitV` copy rows with
 * the wasm `memory.copy` instruction where stock loops in JavaScript over every row (one
 * per pixel for a channel concat) or slices one tensor at a time.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Code, I32 } from "./emit.ts";
import { Heap } from "./heap.ts";
import type { KernelArgs } from "./conv_kernels.ts";

type Info = tf.TensorInfo;

/**
 * `copy(src, srcStride, dst, dstStride, rows, bytes)`: `rows` rows of `bytes` bytes, the
 * rows `srcStride`/`dstStride` bytes apart.
 */
export function copyRowsCode(): Code {
  const code = new Code([I32, I32, I32, I32, I32, I32]);
  const [SRC, SRC_STRIDE, DST, DST_STRIDE, ROWS, BYTES] = [0, 1, 2, 3, 4, 5];
  code.get(ROWS).i32(0).gtS().if(() => {
    code.loop(() => {
      code.get(DST).get(SRC).get(BYTES).memoryCopy();
      code.get(SRC).get(SRC_STRIDE).add().set(SRC);
      code.get(DST).get(DST_STRIDE).add().set(DST);
      code.inc(ROWS, -1).get(ROWS).brIf(0);
    });
  });
  return code;
}

function copyRows(heap: Heap) {
  return heap.kernels("copy-rows", () => [{ name: "copy", code: copyRowsCode() }]).copy;
}

/** Bytes per element of the dtypes stored in the wasm heap. */
function bytesPer(dtype: tf.DataType): number | undefined {
  return dtype === "bool" ? 1 : dtype === "string" || dtype === "complex64" ? undefined : 4;
}

/** `Identity`: the same buffer under another reference, no copy. */
export function identity(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { x } = args.inputs as { x: Info };
  if (bytesPer(x.dtype) === undefined) return stock(args) as Info;
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Rows before `axis` and the bytes of one row of `shape` from `axis` on. */
function rowsAndBytes(shape: readonly number[], axis: number, bytes: number): [number, number] {
  return [
    tf.util.sizeFromShape(shape.slice(0, axis)),
    tf.util.sizeFromShape(shape.slice(axis)) * bytes,
  ];
}

/** `Concat`: each input's rows copied into its columns of the output. */
export function concat(args: KernelArgs, stock: tf.KernelFunc): Info {
  const inputs = args.inputs as unknown as Info[];
  const bytes = bytesPer(inputs[0].dtype);
  if (bytes === undefined || inputs.length < 2) return stock(args) as Info;
  const shapes = inputs.map((t) => t.shape);
  const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, shapes[0])[0];
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const heap = new Heap(args.backend as BackendWasm);
  const out = heap.backend.makeOutput(outShape, inputs[0].dtype);
  const [rows, outRow] = rowsAndBytes(outShape, axis, bytes);
  const copy = copyRows(heap);
  let column = heap.address(out);
  for (const input of inputs) {
    const [, row] = rowsAndBytes(input.shape, axis, bytes);
    if (row > 0) copy(heap.address(input), row, column, outRow, rows, row);
    column += row;
  }
  return out;
}

/** `SplitV`: each output's columns copied out of the input's rows. */
export function splitV(args: KernelArgs, stock: tf.KernelFunc): Info[] {
  const { x } = args.inputs as { x: Info };
  const bytes = bytesPer(x.dtype);
  if (bytes === undefined) return stock(args) as Info[];
  const { numOrSizeSplits, axis: axisAttr } = args.attrs as unknown as tf.SplitVAttrs;
  const axis = tf.util.parseAxisParam(axisAttr, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, axis);
  const heap = new Heap(args.backend as BackendWasm);
  const [rows, inRow] = rowsAndBytes(x.shape, axis, bytes);
  const copy = copyRows(heap);
  let column = heap.address(x);
  return sizes.map((size) => {
    const shape = [...x.shape];
    shape[axis] = size;
    const out = heap.backend.makeOutput(shape, x.dtype);
    const [, row] = rowsAndBytes(shape, axis, bytes);
    if (row > 0) copy(column, inRow, heap.address(out), row, rows, row);
    column += row;
    return out;
  });
}
