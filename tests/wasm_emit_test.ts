import assert from "node:assert/strict";
import {
  Code,
  F32,
  I32,
  instantiate,
  moduleBytes,
  sleb,
  uleb,
} from "../plugins/backend/wasm/emit.ts";

Deno.test("LEB128 encodings match the wasm spec's examples", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-64), [0x40]);
});

Deno.test("a generated SIMD function runs on the imported memory", () => {
  // axpy(x, y, n): y[i] += 2·x[i] for n floats (a multiple of 4), then returns y[0] as f32.
  const code = new Code([I32, I32, I32], [F32]);
  const [x, y, n] = [0, 1, 2];
  const i = code.local(I32);
  code.forUp(i, 0, n, 4, () => {
    const at = (p: number) => code.get(p).get(i).i32(4).mul().add();
    at(y);
    at(y).vLoad();
    at(x).vLoad().f32(2).vSplat().vMul().vAdd();
    code.vStore();
  });
  code.get(y).f32Load();
  const memory = new WebAssembly.Memory({ initial: 1 });
  assert.ok(WebAssembly.validate(moduleBytes([{ name: "axpy", code }])));
  const { axpy } = instantiate([{ name: "axpy", code }], memory);
  const f32 = new Float32Array(memory.buffer);
  f32.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
  f32.set([10, 20, 30, 40, 50, 60, 70, 80], 16);
  assert.equal(axpy(0, 64, 8), 12);
  assert.deepEqual([...f32.subarray(16, 24)], [12, 24, 36, 48, 60, 72, 84, 96]);
});

Deno.test("partial vector stores write only their lanes", () => {
  const code = new Code([I32]);
  code.get(0).f32(7).vSplat().vStoreLane32(2, 8);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { run } = instantiate([{ name: "run", code }], memory);
  run(0);
  assert.deepEqual([...new Float32Array(memory.buffer, 0, 8)], [0, 0, 7, 0, 0, 0, 0, 0]);
});
