import assert from "node:assert/strict";
import { supervisedStrategy } from "../plugins/strategy/supervised.ts";
import { assertFlatMemory, maxDifference, runStrategy, useBackend } from "./strategy_harness.ts";

await useBackend("wasm");

Deno.test("supervised: learns, ignores the unlabelled pool, flat memory, deterministic", async () => {
  const withPool = await runStrategy(supervisedStrategy(), { epochs: 4 });
  assert.ok(withPool.losses.at(-1)! < withPool.losses[0], `${withPool.losses}`);
  assertFlatMemory(withPool);
  const without = await runStrategy(supervisedStrategy(), { epochs: 4, withPool: false });
  assert.equal(maxDifference(withPool.weights, without.weights), 0);
  assert.deepEqual(
    (await runStrategy(supervisedStrategy(), { epochs: 4 })).losses,
    withPool.losses,
  );
});
