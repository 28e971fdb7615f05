import assert from "node:assert/strict";
import { alignTo16, unsigned } from "../plugins/backend/wasm/heap.ts";

Deno.test("wasm heap: addresses past 2 GiB stay positive and align upwards", () => {
  // Emscripten's _malloc returns an i32: 3 128 104 576 arrives as -1 166 862 720.
  assert.equal(unsigned(-1166862720), 3128104576);
  assert.equal(unsigned(1024), 1024);
  assert.equal(alignTo16(3128104577), 3128104592);
  assert.equal(alignTo16(2 ** 31 + 1), 2 ** 31 + 16);
  assert.equal(alignTo16(32), 32);
  assert.ok(
    ((2 ** 31 + 1 + 15) & ~15) < 0,
    "the bit-operator rounding this replaces goes negative",
  );
});
