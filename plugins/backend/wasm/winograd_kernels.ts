/**
 * Generated kernels of the Winograd F(4×4, 3×3) convolutions, working on blocks of
 * `block` tiles (4×4 output pixels each) so that a block's transformed data stays in
 * cache between the steps:
 *
 * - `input`: 6×6 input tiles → `U[ξ][t][ci]` (`ξ` the 36 Winograd positions);
 * - `gemm`: `M[ξ] = U[ξ] · V[ξ]` with the transformed, packed filter `V`;
 * - `output`: `M` → 4×4 output tiles, plus bias, ReLU, clipped at the edges;
 * - `filter`: `[3, 3, ci, co]` → `V[ξ]` in column blocks;
 *
 * The filter gradient's kernels are in `winograd_grad_kernels.ts`.
 *
 * Channels come in multiples of 4 (one SIMD vector).
 *
 * @module
 */
import { Code, I32 } from "./emit.ts";
import { BLOCK_LANES, columnBlocks } from "./conv_layout.ts";
import { declareTile, emitCount, emitInit, emitReduction, emitStore, type Tile } from "./tile.ts";
import {
  filterTransform,
  inputTransform,
  outputTransform,
  transform2D,
  VecOps,
} from "./winograd_transforms.ts";

/** What the kernels of one convolution shape are generated for. */
export interface WinogradShape {
  readonly ci: number;
  readonly co: number;
  /** Tiles per image, down and across. */
  readonly th: number;
  readonly tw: number;
  /** Rows and columns of the stored (padded) input images: at least `4·th + 2`, `4·tw + 2`. */
  readonly rows: number;
  readonly cols: number;
  /** Output size (tiles past it are clipped). */
  readonly ho: number;
  readonly wo: number;
  /** Tiles per block (a multiple of 4). */
  readonly block: number;
}

/** Positions of the transformed 6×6 tiles. */
const XI = 36;

/** Locals for tile coordinates: image, tile row and column. */
interface TileAt {
  readonly t: number;
  readonly image: number;
  readonly ty: number;
  readonly tx: number;
}

/** Splits tile index `at.t` into image, tile row, tile column. */
function emitTileCoordinates(code: Code, s: WinogradShape, at: TileAt): void {
  const perImage = s.th * s.tw;
  code.get(at.t).i32(perImage).divU().set(at.image);
  code.get(at.t).get(at.image).i32(perImage).mul().sub().tee(at.ty).i32(s.tw).divU().set(at.ty);
  code.get(at.t).get(at.image).i32(perImage).mul().sub().get(at.ty).i32(s.tw).mul().sub();
  code.set(at.tx);
}

function tileLocals(code: Code): TileAt {
  return { t: code.local(I32), image: code.local(I32), ty: code.local(I32), tx: code.local(I32) };
}

/**
 * Loops `body` over tiles `[t0, t0 + count)` (params), `at.t` the tile and `slot` its
 * place in the block; both count up.
 */
function forTiles(
  code: Code,
  t0: number,
  count: number,
  at: TileAt,
  slot: number,
  body: () => void,
) {
  code.get(t0).set(at.t).i32(0).set(slot).loop(() => {
    body();
    code.inc(at.t, 1).inc(slot, 1).get(slot).get(count).ltS().brIf(0);
  });
}

/** `input(x, U, t0, count)`: the transformed input tiles of a block. */
export function inputCode(s: WinogradShape): Code {
  const code = new Code([I32, I32, I32, I32]);
  const [X, U, T0, COUNT] = [0, 1, 2, 3];
  const at = tileLocals(code);
  const [slot, src, dst, cv] = [code.local(I32), code.local(I32), code.local(I32), code.local(I32)];
  const ops = new VecOps(code);
  forTiles(code, T0, COUNT, at, slot, () => {
    emitTileCoordinates(code, s, at);
    // src = X + ((image·rows + 4·ty)·cols + 4·tx)·ci·4
    code.get(at.image).i32(s.rows).mul().get(at.ty).i32(4).mul().add().i32(s.cols).mul();
    code.get(at.tx).i32(4).mul().add().i32(s.ci * 4).mul().get(X).add().set(src);
    code.get(slot).i32(s.ci * 4).mul().get(U).add().set(dst);
    emitCount(code, cv, s.ci / 4, () => {
      const d = Array.from(
        { length: 6 },
        (_, i) => Array.from({ length: 6 }, (_, j) => ops.load(src, (i * s.cols + j) * s.ci * 4)),
      );
      transform2D(ops, inputTransform, d).flat().forEach((v, xi) => {
        ops.store(dst, xi * s.block * s.ci * 4, v);
      });
      code.inc(src, 16).inc(dst, 16);
    });
  });
  return code;
}

/** `gemm(U, V, M)`: `M[ξ][t][co] = Σ_c U[ξ][t][c] · V[ξ][c][co]` for every tile of a block. */
export function gemmCode(s: WinogradShape): Code {
  const code = new Code([I32, I32, I32]);
  const [U, V, M] = [0, 1, 2];
  const [xi, a, b, c, o, blocks, rowsLeft, counter, aw, bw] = Array.from(
    { length: 10 },
    () => code.local(I32),
  );
  const all = columnBlocks(s.co);
  const full = all.filter((blk) => blk.lanes === BLOCK_LANES);
  const tail = all.slice(full.length);
  const tiles = new Map<number, Tile>();
  code.get(U).set(a).get(V).set(b).get(M).set(o);
  emitCount(code, xi, XI, () => {
    code.get(o).set(c);
    for (const group of [full, tail]) {
      if (group.length === 0) continue;
      const vectors = group[0].vectors;
      if (!tiles.has(vectors)) tiles.set(vectors, declareTile(code, 4, vectors));
      const tile = tiles.get(vectors)!;
      emitCount(code, blocks, group.length, () => {
        code.get(a).set(aw).get(c);
        const out = code.local(I32);
        code.set(out);
        emitCount(code, rowsLeft, s.block / 4, () => {
          code.get(b).set(bw);
          const ap = code.local(I32);
          code.get(aw).set(ap);
          emitInit(code, tile);
          emitReduction(code, tile, { a: ap, b: bw, counter }, s.ci, {
            aRow: (r) => r * s.ci * 4,
            bVec: (j) => 16 * j,
            aStep: 4,
            bStep: vectors * 16,
          });
          emitStore(code, tile, out, vectors * 4, (r) => r * s.co * 4);
          code.inc(aw, 4 * s.ci * 4).inc(out, 4 * s.co * 4);
        });
        code.inc(b, s.ci * vectors * 16).inc(c, vectors * 16);
      });
    }
    code.inc(a, s.block * s.ci * 4).inc(o, s.block * s.co * 4);
  });
  return code;
}

/** `output(M, bias, y, t0, count, relu)`: output tiles of a block, clipped at the edges. */
export function outputCode(s: WinogradShape, relu: boolean): Code {
  const code = new Code([I32, I32, I32, I32, I32]);
  const [M, BIAS, Y, T0, COUNT] = [0, 1, 2, 3, 4];
  const at = tileLocals(code);
  const [slot, src, dst, bias, cv, rowsIn, colsIn] = Array.from(
    { length: 7 },
    () => code.local(I32),
  );
  const ops = new VecOps(code);
  forTiles(code, T0, COUNT, at, slot, () => {
    emitTileCoordinates(code, s, at);
    code.get(at.image).i32(s.ho).mul().get(at.ty).i32(4).mul().add().i32(s.wo).mul();
    code.get(at.tx).i32(4).mul().add().i32(s.co * 4).mul().get(Y).add().set(dst);
    code.i32(s.ho).get(at.ty).i32(4).mul().sub().set(rowsIn);
    code.i32(s.wo).get(at.tx).i32(4).mul().sub().set(colsIn);
    code.get(slot).i32(s.co * 4).mul().get(M).add().set(src).get(BIAS).set(bias);
    emitCount(code, cv, s.co / 4, () => {
      const m = Array.from(
        { length: 6 },
        (_, i) =>
          Array.from({ length: 6 }, (_, j) => ops.load(src, (i * 6 + j) * s.block * s.co * 4)),
      );
      const b = ops.load(bias, 0);
      const y = transform2D(ops, outputTransform, m);
      for (let i = 0; i < 4; i++) {
        code.get(rowsIn).i32(i).gtS().if(() => {
          for (let j = 0; j < 4; j++) {
            code.get(colsIn).i32(j).gtS().if(() => {
              code.get(dst).get(y[i][j]).get(b).vAdd();
              if (relu) code.f32(0).vSplat().vMax();
              code.vStore((i * s.wo + j) * s.co * 4);
            });
          }
        });
      }
      code.inc(src, 16).inc(dst, 16).inc(bias, 16);
    });
  });
  return code;
}

/** Address offset (bytes, within one `ξ`) of filter row `c`, vector `cv` in packed `V`. */
function packedOffset(s: WinogradShape, c: number, cv: number): number {
  const blk = Math.floor((cv * 4) / BLOCK_LANES);
  const vectors = columnBlocks(s.co)[blk].vectors;
  return blk * BLOCK_LANES * s.ci * 4 + c * vectors * 16 + (cv % (BLOCK_LANES / 4)) * 16;
}

/** `filter(g, V)`: `V[ξ] = G g Gᵀ`, packed in column blocks like the direct kernels' filters. */
export function filterCode(s: WinogradShape): Code {
  const code = new Code([I32, I32]);
  const [G, V] = [0, 1];
  const [c, src, dst] = [code.local(I32), code.local(I32), code.local(I32)];
  const ops = new VecOps(code);
  code.get(G).set(src);
  emitCount(code, c, s.ci, () => {
    for (let cv = 0; cv < s.co / 4; cv++) {
      // dst = V + packedOffset(c, cv), with the row term added at run time.
      const rowBytes = columnBlocks(s.co)[Math.floor(cv * 4 / BLOCK_LANES)].vectors * 16;
      code.i32(s.ci).get(c).sub().i32(rowBytes).mul().get(V).add().set(dst);
      const g = Array.from(
        { length: 3 },
        (_, i) =>
          Array.from(
            { length: 3 },
            (_, j) => ops.load(src, ((i * 3 + j) * s.ci * s.co + cv * 4) * 4),
          ),
      );
      transform2D(ops, filterTransform, g).flat().forEach((v, xi) => {
        ops.store(dst, xi * s.ci * s.co * 4 + packedOffset(s, 0, cv), v);
      });
    }
    code.inc(src, s.co * 4);
  });
  return code;
}
