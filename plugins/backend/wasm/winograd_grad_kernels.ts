/**
 * Generated kernels of the Winograd F(4×4, 3×3) filter gradient: `dy` tiles transformed
 * (`gradient`), multiplied with the transformed input tiles and summed over tiles
 * (`accumulate`), and transformed back to 3×3 filters (`filterGrad`). The input tiles come
 * from the forward kernels' `input`.
 *
 * @module
 */
import { Code, I32 } from "./emit.ts";
import { columnBlocks } from "./conv_layout.ts";
import { declareTile, emitCount, emitReduction, emitStore, type Tile } from "./tile.ts";
import {
  filterGradTransform,
  gradientTransform,
  transform2D,
  VecOps,
} from "./winograd_transforms.ts";
import type { WinogradShape } from "./winograd_kernels.ts";

const XI = 36;

/**
 * `gradient(dy, D, t0, count)`: `D[ξ][t][co] = A dY Aᵀ` of the 4×4 tiles of `dy`, stored as
 * images of `4·th × 4·tw` pixels (zero past the output).
 */
export function gradientCode(s: WinogradShape): Code {
  const code = new Code([I32, I32, I32, I32]);
  const [DY, D, T0, COUNT] = [0, 1, 2, 3];
  const [t, slot, src, dst, cv] = Array.from({ length: 5 }, () => code.local(I32));
  const ops = new VecOps(code);
  const cols = 4 * s.tw;
  code.get(T0).set(t).i32(0).set(slot).loop(() => {
    // Tiles of an image are its 4-row bands, 4 columns each: src = DY + tile origin.
    const band = code.local(I32);
    code.get(t).i32(s.tw).divU().set(band);
    code.get(band).i32(4 * cols).mul().get(t).get(band).i32(s.tw).mul().sub().i32(4).mul().add();
    code.i32(s.co * 4).mul().get(DY).add().set(src);
    code.get(slot).i32(s.co * 4).mul().get(D).add().set(dst);
    emitCount(code, cv, s.co / 4, () => {
      const y = Array.from(
        { length: 4 },
        (_, i) => Array.from({ length: 4 }, (_, j) => ops.load(src, (i * cols + j) * s.co * 4)),
      );
      transform2D(ops, gradientTransform, y).flat().forEach((v, xi) => {
        ops.store(dst, xi * s.block * s.co * 4, v);
      });
      code.inc(src, 16).inc(dst, 16);
    });
    code.inc(t, 1).inc(slot, 1).get(slot).get(COUNT).ltS().brIf(0);
  });
  return code;
}

/**
 * `accumulate(U, D, Macc)`: `Macc[ξ][c][co] += Σ_t U[ξ][t][c] · D[ξ][t][co]` over the
 * `block` tiles of a block (missing tiles must be zero in `D`).
 */
export function accumulateCode(s: WinogradShape): Code {
  const code = new Code([I32, I32, I32]);
  const [U, D, MACC] = [0, 1, 2];
  const [xi, rowsLeft, blocks, counter, a, b, acc, ap, bp] = Array.from(
    { length: 9 },
    () => code.local(I32),
  );
  const all = columnBlocks(s.co);
  const full = all.filter((blk) => blk.lanes === all[0].lanes);
  const tail = all.slice(full.length);
  const tiles = new Map<number, Tile>();
  code.get(U).set(a).get(D).set(b).get(MACC).set(acc);
  emitCount(code, xi, XI, () => {
    const rowA = code.local(I32);
    code.get(a).set(rowA);
    emitCount(code, rowsLeft, s.ci / 4, () => {
      const col = code.local(I32);
      code.i32(0).set(col);
      for (const group of [full, tail]) {
        if (group.length === 0) continue;
        const vectors = group[0].vectors;
        if (!tiles.has(vectors)) tiles.set(vectors, declareTile(code, 4, vectors));
        const tile = tiles.get(vectors)!;
        emitCount(code, blocks, group.length, () => {
          const at = code.local(I32);
          code.get(acc).get(col).add().set(at);
          for (let r = 0; r < 4; r++) {
            for (let j = 0; j < vectors; j++) {
              code.get(at).vLoad(r * s.co * 4 + 16 * j).set(tile.acc[r * vectors + j]);
            }
          }
          code.get(rowA).set(ap).get(b).get(col).add().set(bp);
          emitReduction(code, tile, { a: ap, b: bp, counter }, s.block, {
            aRow: (r) => 4 * r,
            bVec: (j) => 16 * j,
            aStep: s.ci * 4,
            bStep: s.co * 4,
          });
          emitStore(code, tile, at, vectors * 4, (r) => r * s.co * 4);
          code.inc(col, vectors * 16);
        });
      }
      code.inc(rowA, 16).inc(acc, 4 * s.co * 4);
    });
    code.inc(a, s.block * s.ci * 4).inc(b, s.block * s.co * 4);
  });
  return code;
}

/** `filterGrad(Macc, dW)`: `dW = Gᵀ M G` per input channel and output vector. */
export function filterGradCode(s: WinogradShape): Code {
  const code = new Code([I32, I32]);
  const [MACC, DW] = [0, 1];
  const [c, src, dst, cv] = Array.from({ length: 4 }, () => code.local(I32));
  const ops = new VecOps(code);
  code.get(MACC).set(src).get(DW).set(dst);
  emitCount(code, c, s.ci, () => {
    emitCount(code, cv, s.co / 4, () => {
      const m = Array.from(
        { length: 6 },
        (_, i) => Array.from({ length: 6 }, (_, j) => ops.load(src, (i * 6 + j) * s.ci * s.co * 4)),
      );
      transform2D(ops, filterGradTransform, m).flat().forEach((v, k) => {
        ops.store(dst, k * s.ci * s.co * 4, v);
      });
      code.inc(src, 16).inc(dst, 16);
    });
  });
  return code;
}
