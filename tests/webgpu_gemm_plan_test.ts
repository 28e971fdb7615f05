import assert from "node:assert/strict";
import { DEFAULT_SPLIT, pickTile, planGemm } from "../plugins/backend/webgpu/gemm_plan.ts";
import { TILE_K } from "../plugins/backend/webgpu/gemm_shader.ts";

const LIMITS = { maxStorageBytes: 2 ** 27 };

Deno.test("gemm plan: the tile follows the output's width", () => {
  assert.equal(pickTile(131072, 4).name, "256x16");
  assert.equal(pickTile(131072, 16).name, "256x16");
  assert.equal(pickTile(131072, 32).name, "128x32");
  assert.equal(pickTile(131072, 64).name, "64x64");
  assert.equal(pickTile(131072, 128).name, "64x64");
  assert.equal(pickTile(9, 64).name, "64x64");
});

Deno.test("gemm plan: no split without split tuning; uniforms describe the GEMM", () => {
  const plan = planGemm(8 * 128 * 128, 16, 9 * 16, { limits: LIMITS });
  assert.ok("splits" in plan);
  assert.equal(plan.splits, 1);
  assert.deepEqual(plan.dispatch, [1, 8 * 128 * 128 / 256, 1]);
  assert.equal(plan.uniforms.kTiles * TILE_K, plan.kChunk);
  assert.ok(plan.kChunk >= 9 * 16);
});

Deno.test("gemm plan: the filter gradient at 32x128x128x32 splits K into slices covering it", () => {
  const k = 32 * 128 * 128;
  const plan = planGemm(9 * 32, 32, k, { limits: LIMITS, split: DEFAULT_SPLIT });
  assert.ok("splits" in plan);
  assert.ok(plan.splits >= 100, `${plan.splits} slices`);
  assert.equal(plan.kChunk % TILE_K, 0);
  assert.ok(plan.kChunk >= DEFAULT_SPLIT.minChunk);
  assert.ok(plan.splits * plan.kChunk >= k && (plan.splits - 1) * plan.kChunk < k);
  const groups = plan.dispatch.reduce((a, b) => a * b, 1);
  assert.ok(groups <= 2 * DEFAULT_SPLIT.targetGroups, `${groups} workgroups`);
});

Deno.test("gemm plan: the partial sums fit in one storage binding", () => {
  const m = 9 * 64;
  const n = 64;
  const plan = planGemm(m, n, 1 << 22, {
    limits: { maxStorageBytes: 16 * m * n * 4 },
    split: DEFAULT_SPLIT,
  });
  assert.ok("splits" in plan);
  assert.ok(plan.splits <= 16);
});

Deno.test("gemm plan: empty and i32-overflowing GEMMs go to the stock kernel", () => {
  assert.match(JSON.stringify(planGemm(0, 4, 4, { limits: LIMITS })), /empty/);
  assert.match(JSON.stringify(planGemm(2 ** 20, 2 ** 12, 9, { limits: LIMITS })), /i32/);
});
