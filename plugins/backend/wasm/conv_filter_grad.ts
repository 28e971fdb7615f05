/**
 * The filter gradient of conv2d (NHWC, any filter size, stride and dilation) as a
 * generated wasm SIMD kernel: `dW[i, j, c, o] = Σ_{n,y,x} X[n, y·sh + i·dh, x·sw + j·dw,
 * c] · dy[n, y, x, o]` over the padded input `X`. Its register tiles are 4 filter rows
 * (`(i, j, c)`, consecutive in memory) × 8 output channels, reduced over the pixels of a
 * few output rows at a time, so the input rows and `dy` rows they read stay in cache.
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
import { declareTile, emitCount, emitReduction, emitStore, type Tile } from "./tile.ts";

/** Filter rows per register tile. */
const TILE_ROWS = 4;
/** Pixels a row group should hold at least (amortises loading the accumulators). */
const GROUP_PIXELS = 64;

/** Filter rows whose inputs are consecutive floats: a filter row (or one tap when dilated). */
interface Run {
  /** First filter row `(i·fw + j)·ci` and its input offset in floats from a pixel's base. */
  readonly first: number;
  readonly offset: number;
  readonly length: number;
}

function runsOf(l: ConvLayout): Run[] {
  const { fh, fw, ci, dh, dw, cols } = l;
  if (dw === 1) {
    return Array.from({ length: fh }, (_, i) => ({
      first: i * fw * ci,
      offset: i * dh * cols * ci,
      length: fw * ci,
    }));
  }
  return Array.from({ length: fh * fw }, (_, t) => {
    const [i, j] = [Math.floor(t / fw), t % fw];
    return { first: t * ci, offset: (i * dh * cols + j * dw) * ci, length: ci };
  });
}

/** Floats per accumulator row: `co` rounded up to whole vectors. */
export function paddedChannels(co: number): number {
  return Math.ceil(co / 4) * 4;
}

/** Parameters: padded input, dy, accumulators `[fh·fw·ci, paddedChannels(co)]`, rows. */
const [IN, DY, ACC, ROW0, ROW1] = [0, 1, 2, 3, 4];

interface Locals {
  readonly group: number;
  readonly groupEnd: number;
  readonly row: number;
  readonly image: number;
  readonly inRow: number;
  readonly dyRow: number;
  readonly tiles: number;
  readonly blocks: number;
  readonly filterRow: number;
  readonly column: number;
  readonly acc: number;
  readonly a: number;
  readonly b: number;
  readonly counter: number;
}

/**
 * `grad(input, dy, acc, row0, row1)`: adds the products of output rows `[row0, row1)`
 * (`row = image · ho + y`, `row0 < row1`) to the accumulators.
 */
export function filterGradCode(layout: ConvLayout, groupRows: number): Code {
  const code = new Code([I32, I32, I32, I32, I32]);
  const names = [
    "group",
    "groupEnd",
    "row",
    "image",
    "inRow",
    "dyRow",
    "tiles",
    "blocks",
    "filterRow",
    "column",
    "acc",
    "a",
    "b",
    "counter",
  ] as const;
  const l = Object.fromEntries(names.map((n) => [n, code.local(I32)])) as unknown as Locals;
  const tiles = new Map<number, Tile>();
  const tileOf = (rows: number, vectors: number) => {
    const key = rows * 16 + vectors;
    if (!tiles.has(key)) tiles.set(key, declareTile(code, rows, vectors));
    return tiles.get(key)!;
  };
  const blocks = columnBlocks(layout.co);
  const full = blocks.filter((b) => b.lanes === blocks[0].lanes);
  const tail = blocks.slice(full.length);
  code.get(ROW0).set(l.group).loop(() => {
    code.get(l.group).i32(groupRows).add().tee(l.groupEnd).get(ROW1).gtS().if(() => {
      code.get(ROW1).set(l.groupEnd);
    });
    for (const run of runsOf(layout)) {
      const whole = Math.floor(run.length / TILE_ROWS);
      const rest = run.length - whole * TILE_ROWS;
      code.i32(run.first).set(l.filterRow);
      const rowsOf = (rows: number, count: number) => {
        emitCount(code, l.tiles, count, () => {
          for (const group of [full, tail]) {
            if (group.length === 0) continue;
            const block = group[0];
            code.i32(block.start * 4).set(l.column);
            emitCount(code, l.blocks, group.length, () => {
              emitTile(code, l, layout, run, block, tileOf(rows, block.vectors));
              code.inc(l.column, block.lanes * 4);
            });
          }
          code.inc(l.filterRow, rows);
        });
      };
      rowsOf(TILE_ROWS, whole);
      rowsOf(rest, rest > 0 ? 1 : 0);
    }
    code.get(l.groupEnd).tee(l.group).get(ROW1).ltS().brIf(0);
  });
  return code;
}

/** One tile of accumulators, over the pixels of the current row group. */
function emitTile(
  code: Code,
  l: Locals,
  layout: ConvLayout,
  run: Run,
  block: ColumnBlock,
  tile: Tile,
): void {
  const { ci, co, sh, sw, rows, cols, ho, wo } = layout;
  const rowBytes = paddedChannels(co) * 4;
  // acc = ACC + filterRow·rowBytes + column
  code.get(l.filterRow).i32(rowBytes).mul().get(ACC).add().get(l.column).add().set(l.acc);
  for (let r = 0; r < tile.rows; r++) {
    for (let j = 0; j < tile.vectors; j++) {
      code.get(l.acc).vLoad(r * rowBytes + 16 * j).set(tile.acc[r * tile.vectors + j]);
    }
  }
  code.get(l.group).set(l.row).loop(() => {
    code.get(l.row).i32(ho).divU().set(l.image);
    code.get(l.image).i32(rows).mul();
    code.get(l.row).get(l.image).i32(ho).mul().sub().i32(sh).mul().add();
    code.i32(cols * ci * 4).mul().get(IN).add().set(l.inRow);
    code.get(l.inRow).get(l.filterRow).i32(run.first).sub().i32(4).mul().add();
    code.i32(run.offset * 4).add().set(l.a);
    code.get(l.row).i32(wo * co * 4).mul().get(DY).add().get(l.column).add().set(l.b);
    emitReduction(code, tile, { a: l.a, b: l.b, counter: l.counter }, wo, {
      aRow: (r) => 4 * r,
      bVec: (j) => 16 * j,
      aStep: sw * ci * 4,
      bStep: co * 4,
    });
    code.inc(l.row, 1).get(l.row).get(l.groupEnd).ltS().brIf(0);
  });
  emitStore(code, tile, l.acc, block.vectors * 4, (r) => r * rowBytes);
}

/** The filter gradient `[fh, fw, ci, co]` of the conv of `input` (address) giving `dy`. */
export function convFilterGrad(
  heap: Heap,
  input: number,
  dy: number,
  geometry: ConvGeometry,
): TensorInfo {
  const [padded, layout] = paddedInput(heap, input, geometry);
  const groupRows = Math.max(1, Math.min(geometry.ho, Math.ceil(GROUP_PIXELS / geometry.wo)));
  const { grad } = heap.kernels(
    `conv2d-dw ${JSON.stringify(layout)} ${groupRows}`,
    () => [{ name: "grad", code: filterGradCode(layout, groupRows) }],
  );
  const k = layout.fh * layout.fw * layout.ci;
  const width = paddedChannels(layout.co);
  const acc = heap.scratch(k * width * 4);
  heap.floats().fill(0, acc / 4, acc / 4 + k * width);
  const rows = geometry.n * geometry.ho;
  if (rows > 0 && geometry.wo > 0) {
    inPieces(grad, [padded, dy, acc], rows, 16, groupRows);
  }
  const out = heap.output([layout.fh, layout.fw, layout.ci, layout.co]);
  const f32 = heap.floats();
  const to = heap.address(out) / 4;
  for (let row = 0; row < k; row++) {
    f32.copyWithin(to + row * layout.co, acc / 4 + row * width, acc / 4 + row * width + layout.co);
  }
  return out;
}
