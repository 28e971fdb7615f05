/**
 * `Sum` over every axis but the last (the bias gradient of a conv or dense layer) as a
 * generated kernel that adds rows into SIMD accumulators, 64 rows at a time before they
 * join the totals (which keeps float32 rounding near pairwise summation's). tfjs-wasm
 * transposes the input first for this reduction. Other reductions go to stock.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Code, I32, V128 } from "./emit.ts";
import { Heap } from "./heap.ts";
import type { KernelArgs } from "./conv_kernels.ts";

type Info = tf.TensorInfo;

/** Rows summed into a partial total before it joins the running total. */
const BLOCK_ROWS = 64;
/** Vectors of columns summed per pass over the rows. */
const PASS_VECTORS = 8;

/** `sum(src, rows, dst)`: `dst[c] = Σ_r src[r·cols + c]` for `cols` a multiple of 4. */
export function sumRowsCode(cols: number): Code {
  const code = new Code([I32, I32, I32]);
  const [SRC, ROWS, DST] = [0, 1, 2];
  const [row, end, blockEnd, ptr] = [
    code.local(I32),
    code.local(I32),
    code.local(I32),
    code.local(I32),
  ];
  for (let first = 0; first < cols / 4; first += PASS_VECTORS) {
    const count = Math.min(PASS_VECTORS, cols / 4 - first);
    const total = Array.from({ length: count }, () => code.local(V128));
    const part = Array.from({ length: count }, () => code.local(V128));
    total.forEach((t) => code.f32(0).vSplat().set(t));
    code.get(SRC).i32(first * 16).add().set(ptr).i32(0).set(row).get(ROWS).set(end);
    code.get(end).i32(0).gtS().if(() => {
      code.loop(() => {
        part.forEach((p) => code.f32(0).vSplat().set(p));
        code.get(row).i32(BLOCK_ROWS).add().tee(blockEnd).get(end).gtS().if(() => {
          code.get(end).set(blockEnd);
        });
        code.loop(() => {
          part.forEach((p, j) => code.get(p).get(ptr).vLoad(16 * j).vAdd().set(p));
          code.inc(ptr, cols * 4).inc(row, 1).get(row).get(blockEnd).ltS().brIf(0);
        });
        total.forEach((t, j) => code.get(t).get(part[j]).vAdd().set(t));
        code.get(row).get(end).ltS().brIf(0);
      });
    });
    total.forEach((t, j) => code.get(DST).get(t).vStore((first + j) * 16));
  }
  return code;
}

/** `Sum` of float32 over axes `0 … rank − 2` whose last axis is a multiple of 4. */
export function sum(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { x } = args.inputs as { x: Info };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const cols = x.shape[rank - 1];
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
  if (!leading || x.dtype !== "float32" || cols % 4 !== 0 || cols === 0) return stock(args) as Info;
  const heap = new Heap(args.backend as BackendWasm);
  const shape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols];
  const out = heap.output(shape);
  const rows = tf.util.sizeFromShape(x.shape) / cols;
  const kernel = heap.kernels(`sum-rows ${cols}`, () => [{ name: "sum", code: sumRowsCode(cols) }]);
  kernel.sum(heap.address(x), rows, heap.address(out));
  return out;
}
