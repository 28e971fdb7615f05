/**
 * Shape selection for the implicit GEMMs: which tile shape wastes least on an `M × N`
 * output, how many K slices (split-K) keep the GPU busy when the output is small, and
 * when to leave a case to the stock kernel (too large for one binding or one dispatch).
 *
 * @module
 */
import { type Tile, TILE_K, tileDims, TILES } from "./gemm_shader.ts";
import { groupsFor, MAX_WORKGROUPS_PER_DIMENSION } from "./program.ts";

/** Largest element count indexed by the shaders' `i32` arithmetic. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** How a GEMM is dispatched. */
export interface GemmPlan {
  readonly tile: Tile;
  /** K slices; partial results are summed by a reduction pass when more than one. */
  readonly splits: number;
  /** K values per slice, a multiple of `TILE_K`. */
  readonly kChunk: number;
  readonly dispatch: readonly [number, number, number];
  /** The GEMM's uniforms: `M`, `N`, `K`, `kChunk`, `kTiles`. */
  readonly uniforms: Readonly<Record<string, number>>;
}

/** When split-K pays: aim for `targetGroups` workgroups, each over ≥ `minChunk` of K. */
export interface SplitTuning {
  readonly targetGroups: number;
  readonly minChunk: number;
}

/**
 * Defaults: about 8 resident 256-thread workgroups on each of ~130 SMs of an H100-class
 * card, and slices of at least 32 K steps so the reduction pass stays small.
 */
export const DEFAULT_SPLIT: SplitTuning = { targetGroups: 1024, minChunk: 512 };

/** Device limits the plan respects. */
export interface GemmLimits {
  readonly maxStorageBytes: number;
}

/** The tile with the least padded output area for `M × N` (the square one on ties). */
export function pickTile(m: number, n: number): Tile {
  const padded = (t: Tile) => {
    const { rows, cols } = tileDims(t);
    return Math.ceil(m / rows) * rows * Math.ceil(n / cols) * cols;
  };
  return TILES.reduce((best, t) => (padded(t) < padded(best) ? t : best));
}

/** K slices for an output of `tiles` workgroups, within `split` and the binding limit. */
function splitCount(m: number, n: number, k: number, tiles: number, opts: PlanOptions): number {
  if (!opts.split) return 1;
  const wanted = Math.ceil(opts.split.targetGroups / tiles);
  const byK = Math.floor(k / opts.split.minChunk);
  const byBytes = Math.floor(
    Math.min(opts.limits.maxStorageBytes / 4, MAX_ELEMENTS) / (m * n),
  );
  return Math.max(1, Math.min(wanted, byK, byBytes, MAX_WORKGROUPS_PER_DIMENSION));
}

/** Options of {@linkcode planGemm}. */
export interface PlanOptions {
  readonly limits: GemmLimits;
  /** Split K when set (only GEMMs with a reduction pass do). */
  readonly split?: SplitTuning;
}

/** The plan for `C[M, N] = A[M, K] · B[K, N]`, or why the stock kernel should run. */
export function planGemm(
  m: number,
  n: number,
  k: number,
  opts: PlanOptions,
): GemmPlan | { declined: string } {
  if (m < 1 || n < 1 || k < 1) return { declined: `empty GEMM ${m}×${n}×${k}` };
  // A is never materialised; the buffers read (inputs) exist already, so only the output
  // and the row and column counters must stay within i32.
  if (m * n > MAX_ELEMENTS || k > MAX_ELEMENTS) {
    return { declined: `GEMM ${m}×${n}×${k} too large for i32 indexing` };
  }
  const tile = pickTile(m, n);
  const { rows, cols } = tileDims(tile);
  const across = groupsFor(n, cols);
  const down = groupsFor(m, rows);
  if (across > MAX_WORKGROUPS_PER_DIMENSION || down > MAX_WORKGROUPS_PER_DIMENSION) {
    return { declined: `GEMM ${m}×${n} needs more workgroups than one dispatch allows` };
  }
  const wanted = splitCount(m, n, k, across * down, opts);
  const kChunk = Math.ceil(Math.ceil(k / wanted) / TILE_K) * TILE_K;
  const splits = Math.ceil(k / kChunk);
  return {
    tile,
    splits,
    kChunk,
    dispatch: [across, down, splits],
    uniforms: { M: m, N: n, K: k, kChunk, kTiles: kChunk / TILE_K },
  };
}
