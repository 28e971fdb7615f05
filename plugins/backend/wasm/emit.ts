/**
 * A small WebAssembly writer: enough of the binary format (types, one imported memory,
 * functions, exports) and of the instruction set (integer arithmetic, control flow, f32
 * and 128-bit SIMD) to generate compute kernels at run time, specialised to the shapes
 * they serve. Generating them here needs no toolchain, and no binary is committed.
 *
 * @module
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
/** A value type of the instructions used here. */
export type ValType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** SIMD opcodes (after the 0xfd prefix) used by the kernels. */
const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  f32x4Splat: 0x13,
  store32Lane: 0x5a,
  f32x4Eq: 0x41,
  not: 0x4d,
  and: 0x4e,
  andNot: 0x4f,
  or: 0x50,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Max: 0xe9,
} as const;

/**
 * The body of one function: locals and instructions. Parameters are locals `0 … n−1`;
 * {@linkcode local} adds more. Methods append instructions and return `this`.
 */
export class Code {
  readonly bytes: number[] = [];
  readonly #locals: ValType[] = [];
  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  /** Appends raw bytes. */
  raw(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  get(i: number): this {
    return this.raw(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.raw(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.raw(0x22, ...uleb(i));
  }
  i32(value: number): this {
    return this.raw(0x41, ...sleb(value));
  }
  f32(value: number): this {
    const b = new Uint8Array(new Float32Array([value]).buffer);
    return this.raw(0x43, ...b);
  }
  add(): this {
    return this.raw(0x6a);
  }
  sub(): this {
    return this.raw(0x6b);
  }
  mul(): this {
    return this.raw(0x6c);
  }
  divU(): this {
    return this.raw(0x6e);
  }
  ltS(): this {
    return this.raw(0x48);
  }
  gtS(): this {
    return this.raw(0x4a);
  }
  /** `local[i] += delta` (i32). */
  inc(i: number, delta: number): this {
    return this.get(i).i32(delta).add().set(i);
  }

  /** `loop … end`; `br 0` inside jumps back to the start. */
  loop(body: () => void): this {
    this.raw(0x03, 0x40);
    body();
    return this.raw(0x0b);
  }
  /** `if … (else …) end` on the i32 on the stack. */
  if(then: () => void, otherwise?: () => void): this {
    this.raw(0x04, 0x40);
    then();
    if (otherwise) {
      this.raw(0x05);
      otherwise();
    }
    return this.raw(0x0b);
  }
  brIf(depth: number): this {
    return this.raw(0x0d, ...uleb(depth));
  }

  /**
   * `for (local i = from; i < local end; i += step) body()`, with the test at the bottom:
   * the body runs at least once, so callers guard empty ranges themselves.
   */
  forUp(i: number, from: number, end: number, step: number, body: () => void): this {
    this.i32(from).set(i);
    return this.loop(() => {
      body();
      this.inc(i, step).get(i).get(end).ltS().brIf(0);
    });
  }

  f32Load(offset = 0): this {
    return this.raw(0x2a, 2, ...uleb(offset));
  }

  #simd(op: number, ...imm: number[]): this {
    return this.raw(0xfd, ...uleb(op), ...imm);
  }
  /** `v128.load` at address + offset (alignment hint 1 byte: tensors are 4-byte aligned). */
  vLoad(offset = 0): this {
    return this.#simd(SIMD.load, 0, ...uleb(offset));
  }
  vStore(offset = 0): this {
    return this.#simd(SIMD.store, 0, ...uleb(offset));
  }
  /** `v128.load32_splat`: one float broadcast to four lanes. */
  vLoadSplat(offset = 0): this {
    return this.#simd(SIMD.load32Splat, 0, ...uleb(offset));
  }
  /** Stores lane `lane` of a v128 (one float) at address + offset. */
  vStoreLane32(lane: number, offset = 0): this {
    return this.#simd(SIMD.store32Lane, 0, ...uleb(offset), lane);
  }
  vSplat(): this {
    return this.#simd(SIMD.f32x4Splat);
  }
  vAdd(): this {
    return this.#simd(SIMD.f32x4Add);
  }
  vSub(): this {
    return this.#simd(SIMD.f32x4Sub);
  }
  vMul(): this {
    return this.#simd(SIMD.f32x4Mul);
  }
  vMax(): this {
    return this.#simd(SIMD.f32x4Max);
  }
  vEq(): this {
    return this.#simd(SIMD.f32x4Eq);
  }
  vAnd(): this {
    return this.#simd(SIMD.and);
  }
  /** `a & ~b`. */
  vAndNot(): this {
    return this.#simd(SIMD.andNot);
  }
  vOr(): this {
    return this.#simd(SIMD.or);
  }
  vNot(): this {
    return this.#simd(SIMD.not);
  }
  /** `memory.copy(dst, src, bytes)` (bulk memory; operands on the stack in that order). */
  memoryCopy(): this {
    return this.raw(0xfc, 0x0a, 0x00, 0x00);
  }

  /** The encoded function body: local declarations, instructions, `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.#locals) {
      const last = groups.at(-1);
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const body = [...vector(groups.map(([n, t]) => [...uleb(n), t])), ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A function to export under `name`. */
export interface ExportedCode {
  readonly name: string;
  readonly code: Code;
}

/**
 * A module that imports its memory as `env.memory` and exports `functions`. Functions
 * with equal signatures share a type.
 */
export function moduleBytes(functions: readonly ExportedCode[]): Uint8Array<ArrayBuffer> {
  const types: string[] = [];
  const typeOf = functions.map(({ code }) => {
    const key = JSON.stringify([code.params, code.results]);
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });
  const typeSection = vector(types.map((key) => {
    const [params, results] = JSON.parse(key) as [number[], number[]];
    return [0x60, ...vector(params.map((p) => [p])), ...vector(results.map((r) => [r]))];
  }));
  const memoryImport = vector([[...utf8("env"), ...utf8("memory"), 0x02, 0x00, 0x00]]);
  const exports = vector(functions.map(({ name }, i) => [...utf8(name), 0x00, ...uleb(i)]));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, typeSection),
    ...section(2, memoryImport),
    ...section(3, vector(typeOf.map((t) => uleb(t)))),
    ...section(7, exports),
    ...section(10, vector(functions.map(({ code }) => code.encode()))),
  ]);
}

/** Compiles and instantiates generated functions on `memory`. */
export function instantiate(
  functions: readonly ExportedCode[],
  memory: WebAssembly.Memory,
): Record<string, (...args: number[]) => number | void> {
  const module = new WebAssembly.Module(moduleBytes(functions));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as Record<string, (...args: number[]) => number | void>;
}
