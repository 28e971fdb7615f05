import assert from "node:assert/strict";
import { cpsOptions, cpsStrategy } from "../plugins/strategy/cross_pseudo_supervision.ts";
import { assertFlatMemory, maxDifference, runStrategy, useBackend } from "./strategy_harness.ts";

await useBackend("wasm");

const strategy = (options = {}) => cpsStrategy(cpsOptions.parse({ rampUp: 0, ...options }));

Deno.test("cross-pseudo-supervision: the unlabelled pool changes the result; flat memory; deterministic", async () => {
  const withPool = await runStrategy(strategy());
  const without = await runStrategy(strategy(), { withPool: false });
  assert.ok(maxDifference(withPool.weights, without.weights) > 1e-4, "pool made no difference");
  assertFlatMemory(withPool);
  assert.deepEqual((await runStrategy(strategy())).weights, withPool.weights);
});

Deno.test("cross-pseudo-supervision: with weight 0 the networks learn on their own", async () => {
  const alone = await runStrategy(strategy({ weight: 0 }));
  const noPool = await runStrategy(strategy({ weight: 0 }), { withPool: false });
  assert.ok(maxDifference(alone.weights, noPool.weights) < 1e-5);
});
