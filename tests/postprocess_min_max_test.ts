import assert from "node:assert/strict";
import { minMaxPlugin } from "../plugins/postprocess/min_max.ts";
import { testContext } from "./backend_parity.ts";

Deno.test("min-max: each map scaled to [0, 1]; a flat map becomes 0; input unchanged", async () => {
  const step = await minMaxPlugin.create({}, testContext());
  const map = { data: Float32Array.from([0.2, 0.4, 0.3, 0.2]), height: 2, width: 2 };
  const out = step.apply(map);
  assert.deepEqual(Array.from(out.data).map((v) => Math.round(v * 1e6) / 1e6), [0, 1, 0.5, 0]);
  assert.deepEqual([out.height, out.width], [2, 2]);
  assert.equal(map.data[1], Math.fround(0.4));
  const flat = step.apply({ data: Float32Array.from([0.7, 0.7]), height: 1, width: 2 });
  assert.deepEqual(Array.from(flat.data), [0, 0]);
});
