/**
 * The transforms of Winograd's minimal filtering F(4×4, 3×3) (Lavin & Gray, 2016), as
 * emitters of SIMD code over four channels at a time. A 3×3 convolution of a 6×6 input
 * tile `d` with filter `g` gives the 4×4 tile `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`: 36
 * multiplications per output tile and channel pair instead of 144. The same matrices
 * give the filter gradient, `dg = Gᵀ [(A dY Aᵀ) ⊙ (Bᵀ d B)] G`, summed over tiles.
 *
 * Each 1-D transform is factored by hand (fewest operations); 2-D transforms apply it to
 * the columns, then to the rows.
 *
 * @module
 */
import { type Code, V128 } from "./emit.ts";

/** A SIMD value held in a local. */
export type Vec = number;

/** Builds SIMD values in fresh locals (V8 assigns registers). */
export class VecOps {
  constructor(readonly code: Code) {}

  #result(): Vec {
    const v = this.code.local(V128);
    this.code.set(v);
    return v;
  }
  load(ptr: number, offset: number): Vec {
    this.code.get(ptr).vLoad(offset);
    return this.#result();
  }
  store(ptr: number, offset: number, v: Vec): void {
    this.code.get(ptr).get(v).vStore(offset);
  }
  add(a: Vec, b: Vec): Vec {
    this.code.get(a).get(b).vAdd();
    return this.#result();
  }
  sub(a: Vec, b: Vec): Vec {
    this.code.get(a).get(b).vSub();
    return this.#result();
  }
  /** `a · k` for a constant `k`. */
  scale(a: Vec, k: number): Vec {
    this.code.get(a).f32(k).vSplat().vMul();
    return this.#result();
  }
  /** `a + b · k`. */
  addScaled(a: Vec, b: Vec, k: number): Vec {
    this.code.get(a).get(b).f32(k).vSplat().vMul().vAdd();
    return this.#result();
  }
  zero(): Vec {
    this.code.f32(0).vSplat();
    return this.#result();
  }
}

/** A 1-D transform: values in, values out. */
export type Transform1D = (ops: VecOps, x: readonly Vec[]) => Vec[];

/** `Bᵀ d`: 6 → 6 (input tiles). */
export const inputTransform: Transform1D = (o, [d0, d1, d2, d3, d4, d5]) => {
  const f = o.sub(d4, d2);
  const g = o.sub(d3, d1);
  return [
    o.addScaled(f, o.sub(d0, d2), 4),
    o.addScaled(o.add(d3, d4), o.add(d1, d2), -4),
    o.addScaled(o.sub(d4, d3), o.sub(d1, d2), 4),
    o.addScaled(f, g, 2),
    o.addScaled(f, g, -2),
    o.addScaled(o.sub(d5, d3), o.sub(d1, d3), 4),
  ];
};

/** `Aᵀ m`: 6 → 4 (output tiles). */
export const outputTransform: Transform1D = (o, [m0, m1, m2, m3, m4, m5]) => {
  const a = o.add(m1, m2);
  const b = o.sub(m1, m2);
  const c = o.add(m3, m4);
  const e = o.sub(m3, m4);
  return [
    o.add(o.add(m0, a), c),
    o.addScaled(b, e, 2),
    o.addScaled(a, c, 4),
    o.add(o.addScaled(b, e, 8), m5),
  ];
};

/** `A y`: 4 → 6 (output-gradient tiles, for the filter gradient). */
export const gradientTransform: Transform1D = (o, [y0, y1, y2, y3]) => {
  const p = o.add(y0, y2);
  const q = o.add(y1, y3);
  const r = o.addScaled(y0, y2, 4);
  const s = o.scale(o.addScaled(y1, y3, 4), 2);
  return [y0, o.add(p, q), o.sub(p, q), o.add(r, s), o.sub(r, s), y3];
};

/** `G g`: 3 → 6 (filters). */
export const filterTransform: Transform1D = (o, [g0, g1, g2]) => {
  const p = o.add(g0, g2);
  const q = o.addScaled(g2, g0, 1 / 4);
  const h = o.scale(g1, 1 / 2);
  return [
    o.scale(g0, 1 / 4),
    o.scale(o.add(p, g1), -1 / 6),
    o.scale(o.sub(p, g1), -1 / 6),
    o.scale(o.add(q, h), 1 / 6),
    o.scale(o.sub(q, h), 1 / 6),
    g2,
  ];
};

/** `Gᵀ m`: 6 → 3 (filter gradients). */
export const filterGradTransform: Transform1D = (o, [m0, m1, m2, m3, m4, m5]) => {
  const a = o.add(m1, m2);
  const b = o.sub(m2, m1);
  const c = o.add(m3, m4);
  const e = o.sub(m3, m4);
  return [
    o.addScaled(o.addScaled(o.scale(m0, 1 / 4), a, -1 / 6), c, 1 / 24),
    o.addScaled(o.scale(b, 1 / 6), e, 1 / 12),
    o.add(o.scale(o.sub(c, a), 1 / 6), m5),
  ];
};

/**
 * `T X Tᵀ` of a square tile `x[i][j]` (`n × n` values) for a 1-D transform `T` (n → m):
 * the columns first, then the rows. Returns the `m × m` result, row by row.
 */
export function transform2D(ops: VecOps, t: Transform1D, x: readonly Vec[][]): Vec[][] {
  const n = x.length;
  const columns = Array.from({ length: n }, (_, j) => t(ops, x.map((row) => row[j])));
  const m = columns[0].length;
  return Array.from({ length: m }, (_, i) => t(ops, columns.map((column) => column[i])));
}
