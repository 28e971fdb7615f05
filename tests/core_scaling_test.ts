import assert from "node:assert/strict";
import { coreScaling, describeScaling, simdSpin } from "../bench/core_scaling.ts";

Deno.test("simdSpin: each chain runs a ← a·m + c exactly `iterations` times from 0", () => {
  const spin = simdSpin();
  spin.run(10, 1, 1);
  assert.deepEqual([...spin.firstChain()], [10, 10, 10, 10]);
  spin.run(3, 2, 1); // 0 → 1 → 3 → 7: the multiply comes before the add
  assert.deepEqual([...spin.firstChain()], [7, 7, 7, 7]);
  assert.throws(() => spin.run(0, 1, 1), RangeError);
});

Deno.test("coreScaling: the processes' summed rate over the lone one", async () => {
  const s = await coreScaling(2, 0.2);
  assert.equal(s.together.length, 2);
  for (const rate of [s.alone, ...s.together]) assert.ok(rate > 0 && Number.isFinite(rate));
  assert.ok(Math.abs(s.scaling - (s.together[0] + s.together[1]) / s.alone) < 1e-12);
});

Deno.test("describeScaling: the ratio and every rate", () => {
  assert.equal(
    describeScaling({ alone: 40.04, together: [39.8, 31.25], scaling: 1.7745 }),
    "SIMD scaling 1.77× (alone 40.0, at once 39.8 + 31.3 GFLOP/s)",
  );
});
