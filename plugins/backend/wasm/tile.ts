/**
 * The register tile at the heart of every generated matrix kernel: `rows × vectors`
 * accumulators (4 floats each) updated by rank-1 products, one broadcast `a` per row
 * times `vectors` loads of `b` per step. On x86-64 V8 keeps up to 16 SIMD values in
 * registers; 4 rows × 2 vectors (8 accumulators) ran at ~40 GFLOP/s on the dev machine's
 * EPYC core, the 128-bit SIMD peak.
 *
 * @module
 */
import { type Code, V128 } from "./emit.ts";

/** Accumulators and scratch registers of one tile. */
export interface Tile {
  readonly rows: number;
  readonly vectors: number;
  /** `acc[r * vectors + j]`. */
  readonly acc: readonly number[];
  readonly a: number;
  readonly b: readonly number[];
}

/** Declares the locals of a `rows × vectors` tile. */
export function declareTile(code: Code, rows: number, vectors: number): Tile {
  return {
    rows,
    vectors,
    acc: Array.from({ length: rows * vectors }, () => code.local(V128)),
    a: code.local(V128),
    b: Array.from({ length: vectors }, () => code.local(V128)),
  };
}

/**
 * Where a reduction reads: row `r`'s scalar of `a` at `aRow(r)` and vector `j` of `b`
 * at `bVec(j)` bytes from their pointers at step 0, each moving by `aStep`/`bStep`
 * bytes per step.
 */
export interface Walk {
  aRow(r: number): number;
  bVec(j: number): number;
  readonly aStep: number;
  readonly bStep: number;
}

/**
 * Emits `steps` rank-1 updates from the current `aPtr`/`bPtr` (i32 locals): per step,
 * `b` vectors are loaded, then each row's scalar is broadcast and multiplied into its
 * accumulators.
 */
export function emitProducts(
  code: Code,
  tile: Tile,
  aPtr: number,
  bPtr: number,
  steps: number,
  walk: Walk,
): void {
  for (let k = 0; k < steps; k++) {
    for (let j = 0; j < tile.vectors; j++) {
      code.get(bPtr).vLoad(walk.bVec(j) + k * walk.bStep).set(tile.b[j]);
    }
    for (let r = 0; r < tile.rows; r++) {
      code.get(aPtr).vLoadSplat(walk.aRow(r) + k * walk.aStep).set(tile.a);
      for (let j = 0; j < tile.vectors; j++) {
        const acc = tile.acc[r * tile.vectors + j];
        code.get(acc).get(tile.a).get(tile.b[j]).vMul().vAdd().set(acc);
      }
    }
  }
}

/** `body` `count` times: inline once, or in a loop on the scratch i32 local `counter`. */
export function emitCount(code: Code, counter: number, count: number, body: () => void): void {
  if (count === 1) body();
  else if (count > 1) {
    code.i32(count).set(counter).loop(() => {
      body();
      code.inc(counter, -1).get(counter).brIf(0);
    });
  }
}

/** The i32 locals a reduction moves and counts with. */
export interface ReductionPointers {
  readonly a: number;
  readonly b: number;
  readonly counter: number;
}

/**
 * A reduction of `count` steps: unrolled by `unroll` inside a loop, the remainder
 * straight after it. Leaves the pointers advanced by `count` steps.
 */
export function emitReduction(
  code: Code,
  tile: Tile,
  ptrs: ReductionPointers,
  count: number,
  walk: Walk,
  unroll = 16,
): void {
  const chunk = (steps: number) => {
    emitProducts(code, tile, ptrs.a, ptrs.b, steps, walk);
    code.inc(ptrs.a, steps * walk.aStep).inc(ptrs.b, steps * walk.bStep);
  };
  const loops = Math.floor(count / unroll);
  if (loops === 1) chunk(unroll);
  else if (loops > 1) {
    code.i32(loops).set(ptrs.counter).loop(() => {
      chunk(unroll);
      code.inc(ptrs.counter, -1).get(ptrs.counter).brIf(0);
    });
  }
  if (count > loops * unroll) chunk(count - loops * unroll);
}

/** Sets every accumulator to the `vectors` values at `ptr + offset` (a bias row) or to 0. */
export function emitInit(code: Code, tile: Tile, ptr?: number, offset = 0): void {
  for (let j = 0; j < tile.vectors; j++) {
    if (ptr === undefined) code.f32(0).vSplat();
    else code.get(ptr).vLoad(offset + 16 * j);
    code.set(tile.b[j]);
  }
  for (let r = 0; r < tile.rows; r++) {
    for (let j = 0; j < tile.vectors; j++) code.get(tile.b[j]).set(tile.acc[r * tile.vectors + j]);
  }
}

/**
 * Stores row `r` of the tile at `ptr + rowOffset(r)`, `lanes` floats per row (the last
 * vector partly when `lanes` is not a multiple of 4), after an optional ReLU.
 */
export function emitStore(
  code: Code,
  tile: Tile,
  ptr: number,
  lanes: number,
  rowOffset: (r: number) => number,
  relu = false,
): void {
  for (let r = 0; r < tile.rows; r++) {
    for (let j = 0; j < tile.vectors; j++) {
      const acc = tile.acc[r * tile.vectors + j];
      const offset = rowOffset(r) + 16 * j;
      const value = () => {
        code.get(acc);
        if (relu) code.f32(0).vSplat().vMax();
      };
      const left = lanes - 4 * j;
      if (left >= 4) {
        code.get(ptr);
        value();
        code.vStore(offset);
        continue;
      }
      for (let lane = 0; lane < left; lane++) {
        code.get(ptr);
        value();
        code.vStoreLane32(lane, offset + 4 * lane);
      }
    }
  }
}
