/**
 * 3×3, stride-1 convolutions and their filter gradient by Winograd's F(4×4, 3×3): the
 * input is cut into 6×6 tiles (overlapping by 2) whose transforms are multiplied with the
 * transformed filter, a matrix product per Winograd position with 4× fewer
 * multiplications than the direct convolution. Tiles go through the kernels of
 * `winograd_kernels.ts` a block at a time.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { type ConvGeometry, paddedInput } from "./conv_layout.ts";
import type { Heap } from "./heap.ts";
import {
  filterCode,
  gemmCode,
  inputCode,
  outputCode,
  type WinogradShape,
} from "./winograd_kernels.ts";
import { accumulateCode, filterGradCode, gradientCode } from "./winograd_grad_kernels.ts";

/** Bytes of transformed tiles (input and output) a block may hold. */
const BLOCK_BYTES = 384 * 1024;

/** Whether Winograd F(4×4, 3×3) computes this conv here. */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.fh === 3 && g.fw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 &&
    g.ci % 4 === 0 && g.co % 4 === 0 && g.ci >= 8 && g.ho > 0 && g.wo > 0;
}

/** The tiles of a conv and its padded input: address and kernel shape. */
function tiling(heap: Heap, input: number, g: ConvGeometry): [number, WinogradShape] {
  const th = Math.ceil(g.ho / 4);
  const tw = Math.ceil(g.wo / 4);
  const [padded, layout] = paddedInput(heap, input, g, { rows: 4 * th + 2, cols: 4 * tw + 2 });
  const tiles = g.n * th * tw;
  const fit = Math.floor(BLOCK_BYTES / (36 * 4 * (g.ci + g.co)) / 4) * 4;
  const block = Math.min(Math.max(8, fit), Math.ceil(tiles / 4) * 4);
  const shape = {
    ci: g.ci,
    co: g.co,
    th,
    tw,
    rows: layout.rows,
    cols: layout.cols,
    ho: g.ho,
    wo: g.wo,
    block,
  };
  return [padded, shape];
}

/** Copies `values` into new scratch memory; returns the address. */
function scratchOf(heap: Heap, values: Float32Array): number {
  const ptr = heap.scratch(values.length * 4);
  heap.floats().set(values, ptr / 4);
  return ptr;
}

/** Zeroed scratch memory of `floats` floats. */
function zeros(heap: Heap, floats: number): number {
  const ptr = heap.scratch(floats * 4);
  heap.floats().fill(0, ptr / 4, ptr / 4 + floats);
  return ptr;
}

/** The conv of `input` (address) with 3×3 `filter` values (and bias, ReLU): `[n, ho, wo, co]`. */
export function winogradForward(
  heap: Heap,
  input: number,
  filter: Float32Array,
  bias: Float32Array | undefined,
  g: ConvGeometry,
  relu: boolean,
): TensorInfo {
  const [x, s] = tiling(heap, input, g);
  const k = heap.kernels(`winograd ${JSON.stringify(s)} ${relu}`, () => [
    { name: "input", code: inputCode(s) },
    { name: "gemm", code: gemmCode(s) },
    { name: "output", code: outputCode(s, relu) },
    { name: "filter", code: filterCode(s) },
  ]);
  const v = heap.scratch(36 * s.ci * s.co * 4);
  k.filter(scratchOf(heap, filter), v);
  const b = bias ? scratchOf(heap, bias) : zeros(heap, s.co);
  const u = heap.scratch(36 * s.block * s.ci * 4);
  const m = heap.scratch(36 * s.block * s.co * 4);
  const out = heap.output([g.n, g.ho, g.wo, g.co]);
  const y = heap.address(out);
  const tiles = g.n * s.th * s.tw;
  for (let t0 = 0; t0 < tiles; t0 += s.block) {
    const count = Math.min(s.block, tiles - t0);
    k.input(x, u, t0, count);
    k.gemm(u, v, m);
    k.output(m, b, y, t0, count);
  }
  return out;
}

/** The 3×3 filter gradient `[3, 3, ci, co]` of the conv of `input` (address) giving `dy`. */
export function winogradFilterGrad(
  heap: Heap,
  input: number,
  dy: number,
  g: ConvGeometry,
): TensorInfo {
  const [x, s] = tiling(heap, input, g);
  const k = heap.kernels(`winograd-dw ${JSON.stringify(s)}`, () => [
    { name: "input", code: inputCode(s) },
    { name: "gradient", code: gradientCode(s) },
    { name: "accumulate", code: accumulateCode(s) },
    { name: "filterGrad", code: filterGradCode(s) },
  ]);
  const dyGeometry = { ...g, h: g.ho, w: g.wo, ci: g.co, fh: 1, fw: 1, top: 0, left: 0 };
  const [grad] = paddedInput(heap, dy, dyGeometry, { rows: 4 * s.th, cols: 4 * s.tw });
  const acc = zeros(heap, 36 * s.ci * s.co);
  const u = zeros(heap, 36 * s.block * s.ci);
  const d = zeros(heap, 36 * s.block * s.co);
  const tiles = g.n * s.th * s.tw;
  for (let t0 = 0; t0 < tiles; t0 += s.block) {
    const count = Math.min(s.block, tiles - t0);
    if (count < s.block) heap.floats().fill(0, d / 4, d / 4 + 36 * s.block * s.co);
    k.input(x, u, t0, count);
    k.gradient(grad, d, t0, count);
    k.accumulate(u, d, acc);
  }
  const out = heap.output([3, 3, g.ci, g.co]);
  k.filterGrad(acc, heap.address(out));
  return out;
}
