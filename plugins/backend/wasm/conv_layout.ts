/**
 * How the generated convolution kernels see a conv2d (NHWC): the input as images of
 * `rows × cols` pixels in memory, already padded so that every tap of every output pixel
 * reads inside it, and the output channels split into blocks of {@linkcode BLOCK_LANES}.
 *
 * @module
 */
import type { Heap } from "./heap.ts";

/** Output channels per column block of the generated kernels (two SIMD vectors). */
export const BLOCK_LANES = 8;

/** A stride-`sh×sw`, dilation-`dh×dw` convolution of padded images. */
export interface ConvLayout {
  readonly ci: number;
  readonly co: number;
  readonly fh: number;
  readonly fw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Rows and columns of each input image as stored. */
  readonly rows: number;
  readonly cols: number;
  /** Output height and width. */
  readonly ho: number;
  readonly wo: number;
}

/** The geometry of a forward conv of an unpadded `[n, h, w, ci]` input. */
export interface ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly ci: number;
  readonly co: number;
  readonly fh: number;
  readonly fw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Zero rows/columns before the input (negative: rows dropped). */
  readonly top: number;
  readonly left: number;
  readonly ho: number;
  readonly wo: number;
}

/** A column block: output channels `[start, start + lanes)`, `vectors` SIMD vectors. */
export interface ColumnBlock {
  readonly start: number;
  readonly lanes: number;
  readonly vectors: number;
}

/** The output channels in blocks of {@linkcode BLOCK_LANES} and a narrower last one. */
export function columnBlocks(co: number): ColumnBlock[] {
  const blocks: ColumnBlock[] = [];
  for (let start = 0; start < co; start += BLOCK_LANES) {
    const lanes = Math.min(BLOCK_LANES, co - start);
    blocks.push({ start, lanes, vectors: Math.ceil(lanes / 4) });
  }
  return blocks;
}

/** Input rows (or columns) the conv reads along one axis: `(out − 1)·s + (f − 1)·d + 1`. */
export function span(out: number, stride: number, filter: number, dilation: number): number {
  return (out - 1) * stride + (filter - 1) * dilation + 1;
}

/**
 * The input as the kernels read it: the tensor itself when it needs no padding, else a
 * zero-padded copy in scratch memory, at least `least.rows × least.cols` pixels per image.
 * Returns its address and layout.
 */
export function paddedInput(
  heap: Heap,
  input: number,
  g: ConvGeometry,
  least = { rows: 0, cols: 0 },
): [number, ConvLayout] {
  const rows = Math.max(least.rows, span(g.ho, g.sh, g.fh, g.dh));
  const cols = Math.max(least.cols, span(g.wo, g.sw, g.fw, g.dw));
  const layout = { ...g, rows, cols };
  if (g.top === 0 && g.left === 0 && rows <= g.h && cols === g.w) {
    return [input, { ...layout, rows: g.h }];
  }
  const rowFloats = cols * g.ci;
  const ptr = heap.scratch(g.n * rows * rowFloats * 4);
  const f32 = heap.floats();
  const dst = ptr / 4;
  f32.fill(0, dst, dst + g.n * rows * rowFloats);
  const from = Math.max(0, -g.left);
  const to = Math.min(g.w, cols - g.left);
  if (to > from) {
    for (let img = 0; img < g.n; img++) {
      for (let r = Math.max(0, g.top); r < Math.min(rows, g.h + g.top); r++) {
        const src = input / 4 + ((img * g.h + r - g.top) * g.w + from) * g.ci;
        const at = dst + (img * rows + r) * rowFloats + (from + g.left) * g.ci;
        f32.copyWithin(at, src, src + (to - from) * g.ci);
      }
    }
  }
  return [ptr, layout];
}
