/**
 * The WGSL of an implicit GEMM `C[M, N] = A[M, K] · B[K, N]` in the register-tile style
 * that reached 19–24 TFLOP/s on an H100 (`../shared/docs/gpu.md`): 256 threads per
 * workgroup, each computing a 4×4 block of C held in four named `vec4<f32>` accumulators
 * (never a local array indexed by a loop variable), over K in steps of {@linkcode TILE_K}
 * staged through workgroup memory as `vec4` columns.
 *
 * The caller supplies how A and B are read (the implicit im2col of a convolution) and how
 * C is written, as WGSL helpers:
 * - `fn cp_row(m: i32) -> vec4<i32>`: what row `m` of A needs, decoded once per thread;
 *   `w` is 1 when `m < M`;
 * - `fn cp_col(k: i32) -> vec4<i32>`: what column `k` of A needs; `w` is 1 when valid;
 * - `fn cp_a(r: vec4<i32>, c: vec4<i32>) -> f32`: `A[m, k]`, 0 outside (`r.w`/`c.w` 0);
 * - `fn cp_b4(k: i32, n: i32) -> vec4<f32>`: `B[k, n..n+3]`, 0 past `N`;
 * - `fn cp_store(m: i32, n: i32, v: vec4<f32>)`: writes `C[m, n..n+3]` (skipping columns
 *   past `N`; `m < M` and `n < N` hold).
 *
 * Workgroup `(x, y, z)` computes the C tile at column block `x`, row block `y`, over the
 * K range `[z · kChunk, min(K, (z + 1) · kChunk))` (split-K when there are several `z`).
 * Uniforms: `M`, `N`, `K`, `kChunk` and `kTiles` (= ⌈kChunk / TILE_K⌉).
 *
 * @module
 */

/** Threads in a workgroup. */
export const THREADS = 256;
/** Depth of the K slice staged in workgroup memory per step. */
export const TILE_K = 16;

/** A workgroup shape; its C tile is `4·wgY` rows by `4·wgX` columns. */
export interface Tile {
  readonly name: string;
  readonly wgX: number;
  readonly wgY: number;
}

/** The tile shapes on offer: square, and two for narrow outputs (few columns). */
export const TILES: readonly Tile[] = [
  { name: "64x64", wgX: 16, wgY: 16 },
  { name: "128x32", wgX: 8, wgY: 32 },
  { name: "256x16", wgX: 4, wgY: 64 },
];

/** Rows and columns of C one workgroup computes with `tile`. */
export function tileDims(tile: Tile): { rows: number; cols: number } {
  return { rows: 4 * tile.wgY, cols: 4 * tile.wgX };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const JS = [0, 1, 2, 3];

/** Statements decoding the rows this thread stages into workgroup memory, once. */
function rowDecodes(slots: number): string {
  return range(slots).flatMap((i) =>
    JS.map((j) => `let r${i}${j} = cp_row(tileM + 4 * (aQ + ${16 * i}) + ${j});`)
  ).join("\n  ");
}

/** Statements staging this thread's A values of the current K step. */
function aStores(slots: number, rows4: number): string {
  return range(slots).map((i) => {
    const values = JS.map((j) => `cp_a(r${i}${j}, cA)`).join(", ");
    return `cp_As[aK * ${rows4} + aQ + ${16 * i}] = vec4<f32>(${values});`;
  }).join("\n    ");
}

/** The whole shader: `helpers` plus the tiled GEMM's `main`. */
export function gemmShader(tile: Tile, helpers: string): string {
  const { rows, cols } = tileDims(tile);
  const rows4 = rows / 4;
  const cols4 = cols / 4;
  const aSlots = (TILE_K * rows4) / THREADS;
  const bSlots = TILE_K * cols4;
  const bGuard = bSlots < THREADS ? `t < ${bSlots}` : "true";
  return `
${helpers}

var<workgroup> cp_As: array<vec4<f32>, ${TILE_K * rows4}>;
var<workgroup> cp_Bs: array<vec4<f32>, ${TILE_K * cols4}>;

fn main() {
  let t = i32(localIndex);
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let tileN = i32(workgroupId.x) * ${cols};
  let tileM = i32(workgroupId.y) * ${rows};
  let kBegin = i32(workgroupId.z) * uniforms.kChunk;
  let kEnd = min(uniforms.K, kBegin + uniforms.kChunk);
  let aK = t % ${TILE_K};
  let aQ = t / ${TILE_K};
  let bQ = t % ${cols4};
  let bK = t / ${cols4};
  ${rowDecodes(aSlots)}
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kt = 0; kt < uniforms.kTiles; kt = kt + 1) {
    let k0 = kBegin + kt * ${TILE_K};
    var cA = cp_col(k0 + aK);
    if (k0 + aK >= kEnd) { cA.w = 0; }
    ${aStores(aSlots, rows4)}
    if (${bGuard}) {
      var b = vec4<f32>(0.0);
      if (k0 + bK < kEnd) { b = cp_b4(k0 + bK, tileN + 4 * bQ); }
      cp_Bs[bK * ${cols4} + bQ] = b;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TILE_K}; kk = kk + 1) {
      let a = cp_As[kk * ${rows4} + ty];
      let b = cp_Bs[kk * ${cols4} + tx];
      acc0 = fma(vec4<f32>(a.x), b, acc0);
      acc1 = fma(vec4<f32>(a.y), b, acc1);
      acc2 = fma(vec4<f32>(a.z), b, acc2);
      acc3 = fma(vec4<f32>(a.w), b, acc3);
    }
    workgroupBarrier();
  }
  let row = tileM + 4 * ty;
  let col = tileN + 4 * tx;
  if (col < uniforms.N) {
    if (row < uniforms.M) { cp_store(row, col, acc0); }
    if (row + 1 < uniforms.M) { cp_store(row + 1, col, acc1); }
    if (row + 2 < uniforms.M) { cp_store(row + 2, col, acc2); }
    if (row + 3 < uniforms.M) { cp_store(row + 3, col, acc3); }
  }
}
`;
}

/** WGSL `fn <name>(ok: bool, i: i32) -> f32`: `<buffer>[i]`, or 0 when `!ok`. */
export function guardedRead(name: string, buffer: string): string {
  return `fn ${name}(ok: bool, i: i32) -> f32 {
  if (ok) { return ${buffer}[i]; }
  return 0.0;
}`;
}

/**
 * WGSL `fn cp_b4(k: i32, n: i32) -> vec4<f32>` for a B stored row-major as `[K, N]` in
 * `buffer` (a filter `[kh·kw·Ci, Co]`, or `dy` as `[N·Ho·Wo, Co]`).
 */
export function rowMajorB(buffer: string): string {
  return `${guardedRead("cp_bAt", buffer)}
fn cp_b4(k: i32, n: i32) -> vec4<f32> {
  let base = k * uniforms.N + n;
  return vec4<f32>(cp_bAt(true, base), cp_bAt(n + 1 < uniforms.N, base + 1),
                   cp_bAt(n + 2 < uniforms.N, base + 2), cp_bAt(n + 3 < uniforms.N, base + 3));
}`;
}

/** WGSL `fn cp_store` writing C row-major `[M, N]` at `base + m·N + n` (columns < N). */
export function rowMajorStore(transform = "v", base = "0"): string {
  return `fn cp_store(m: i32, n: i32, v: vec4<f32>) {
  let out = ${transform};
  let i = ${base} + m * uniforms.N + n;
  result[i] = out.x;
  if (n + 1 < uniforms.N) { result[i + 1] = out.y; }
  if (n + 2 < uniforms.N) { result[i + 2] = out.z; }
  if (n + 3 < uniforms.N) { result[i + 3] = out.w; }
}`;
}
