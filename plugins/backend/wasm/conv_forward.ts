/**
 * Forward conv2d (NHWC, any filter size, stride and dilation) as a generated wasm SIMD
 * kernel: an implicit matrix product whose rows are output pixels and whose reduction
 * runs over filter taps and input channels, 4 pixels × 8 output channels per register
 * tile. Every address offset is a constant of the shape, so the kernel is generated per
 * shape and cached. Bias and ReLU are applied before the tile is stored.
 *
 * @module
 */
import type { TensorInfo } from "@tensorflow/tfjs-core";
import { Code, I32 } from "./emit.ts";
import {
  type ColumnBlock,
  columnBlocks,
  type ConvGeometry,
  type ConvLayout,
  paddedInput,
} from "./conv_layout.ts";
import { type Heap, inPieces } from "./heap.ts";
import { declareTile, emitCount, emitInit, emitReduction, emitStore, type Tile } from "./tile.ts";

/** Output pixels per register tile. */
const TILE_PIXELS = 4;

/** Floats of one packed column block: bias, then the filter, `vectors · 4` per row. */
function blockFloats(layout: ConvLayout, block: ColumnBlock): number {
  return (1 + layout.fh * layout.fw * layout.ci) * block.vectors * 4;
}

/**
 * The filter `[fh, fw, ci, co]` (and bias) rearranged per column block, each row of a
 * block zero-padded to whole vectors, at `ptr`.
 */
export function packFilter(
  f32: Float32Array,
  ptr: number,
  filter: Float32Array,
  bias: Float32Array | undefined,
  layout: ConvLayout,
): void {
  const k = layout.fh * layout.fw * layout.ci;
  let at = ptr / 4;
  for (const block of columnBlocks(layout.co)) {
    const width = block.vectors * 4;
    f32.fill(0, at, at + blockFloats(layout, block));
    for (let c = 0; c < block.lanes; c++) {
      if (bias) f32[at + c] = bias[block.start + c];
      for (let row = 0; row < k; row++) {
        f32[at + width * (1 + row) + c] = filter[row * layout.co + block.start + c];
      }
    }
    at += blockFloats(layout, block);
  }
}

/** Locals of the forward kernel. */
interface Locals {
  readonly row: number;
  readonly image: number;
  readonly ap: number;
  readonly op: number;
  readonly pixels: number;
  readonly block: number;
  readonly counter: number;
  readonly a: number;
  readonly b: number;
  readonly bw: number;
  readonly oc: number;
}

/** Parameters: input, packed filter, output, first row, end row (rows = n·ho). */
const [IN, FILTER, OUT, ROW0, ROW1] = [0, 1, 2, 3, 4];

/**
 * `conv(input, packed, output, row0, row1)`: output rows `[row0, row1)` (`row = image · ho
 * + y`, `row0 < row1`) of the conv of padded `input` with the packed filter. Each tile of
 * pixels meets every column block before the next tile starts: the pixels' inputs stay
 * in the L1 cache while the packed filter streams past.
 */
export function forwardCode(layout: ConvLayout, relu: boolean): Code {
  const code = new Code([I32, I32, I32, I32, I32]);
  const names = ["row", "image", "ap", "op", "pixels", "block", "counter", "a", "b", "bw", "oc"];
  const l = Object.fromEntries(names.map((n) => [n, code.local(I32)])) as unknown as Locals;
  const { ci, co, sh, sw, rows, cols, ho, wo } = layout;
  const blocks = columnBlocks(co);
  const full = blocks.filter((b) => b.lanes === blocks[0].lanes);
  const tail = blocks.slice(full.length);
  const tiles = new Map<number, Tile>();
  const tileOf = (pixels: number, vectors: number) => {
    const key = pixels * 16 + vectors;
    if (!tiles.has(key)) tiles.set(key, declareTile(code, pixels, vectors));
    return tiles.get(key)!;
  };
  const everyBlock = (pixels: number) => {
    code.get(FILTER).set(l.b).get(l.op).set(l.oc);
    for (const group of [full, tail]) {
      if (group.length === 0) continue;
      const block = group[0];
      emitCount(code, l.block, group.length, () => {
        emitTile(code, l, layout, block, tileOf(pixels, block.vectors), relu);
        code.inc(l.b, blockFloats(layout, block) * 4).inc(l.oc, block.lanes * 4);
      });
    }
  };
  const whole = Math.floor(wo / TILE_PIXELS);
  code.get(ROW0).set(l.row).loop(() => {
    code.get(l.row).i32(ho).divU().set(l.image);
    // ap = IN + ((image·rows + y·sh)·cols·ci)·4, y = row − image·ho
    code.get(l.image).i32(rows).mul();
    code.get(l.row).get(l.image).i32(ho).mul().sub().i32(sh).mul().add();
    code.i32(cols * ci * 4).mul().get(IN).add().set(l.ap);
    code.get(l.row).i32(wo * co * 4).mul().get(OUT).add().set(l.op);
    emitCount(code, l.pixels, whole, () => {
      everyBlock(TILE_PIXELS);
      code.inc(l.ap, TILE_PIXELS * sw * ci * 4).inc(l.op, TILE_PIXELS * co * 4);
    });
    if (wo > whole * TILE_PIXELS) everyBlock(wo - whole * TILE_PIXELS);
    code.inc(l.row, 1).get(l.row).get(ROW1).ltS().brIf(0);
  });
  return code;
}

/** One tile: `tile.rows` pixels from `l.ap` × the column block at `l.b`, stored at `l.oc`. */
function emitTile(
  code: Code,
  l: Locals,
  layout: ConvLayout,
  block: ColumnBlock,
  tile: Tile,
  relu: boolean,
): void {
  const { ci, co, fh, fw, sw, dh, dw, cols } = layout;
  const vectorBytes = block.vectors * 16;
  emitInit(code, tile, l.b);
  // One filter row's taps are contiguous in the input when the columns are not dilated.
  const runs = dw === 1
    ? Array.from({ length: fh }, (_, i) => ({ i, j: 0, steps: fw * ci }))
    : Array.from({ length: fh * fw }, (_, t) => ({
      i: Math.floor(t / fw),
      j: t % fw,
      steps: ci,
    }));
  for (const { i, j, steps } of runs) {
    code.get(l.ap).i32((i * dh * cols + j * dw) * ci * 4).add().set(l.a);
    code.get(l.b).i32(vectorBytes * (1 + (i * fw + j) * ci)).add().set(l.bw);
    emitReduction(code, tile, { a: l.a, b: l.bw, counter: l.counter }, steps, {
      aRow: (r) => r * sw * ci * 4,
      bVec: (j) => 16 * j,
      aStep: 4,
      bStep: vectorBytes,
    });
  }
  emitStore(code, tile, l.oc, block.lanes, (r) => r * co * 4, relu);
}

/** Runs the forward conv of `input` (address) with `filter`/`bias` values; returns `[n, ho, wo, co]`. */
export function convForward(
  heap: Heap,
  input: number,
  filter: Float32Array,
  bias: Float32Array | undefined,
  geometry: ConvGeometry,
  relu: boolean,
): TensorInfo {
  const [padded, layout] = paddedInput(heap, input, geometry);
  const { conv } = heap.kernels(
    `conv2d ${JSON.stringify(layout)} ${relu}`,
    () => [{ name: "conv", code: forwardCode(layout, relu) }],
  );
  const floats = columnBlocks(layout.co).reduce((sum, b) => sum + blockFloats(layout, b), 0);
  const packed = heap.scratch(floats * 4);
  packFilter(heap.floats(), packed, filter, bias, layout);
  const out = heap.output([geometry.n, geometry.ho, geometry.wo, geometry.co]);
  const rows = geometry.n * geometry.ho;
  if (rows > 0 && geometry.wo > 0) inPieces(conv, [padded, packed, heap.address(out)], rows);
  return out;
}
