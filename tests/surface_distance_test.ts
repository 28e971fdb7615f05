import assert from "node:assert/strict";
import {
  hd95AndAssd,
  percentile,
  type Shape3,
  squaredDistanceTransform,
  surfaceDistances,
  surfaceVoxels,
} from "../core/metrics/surface_distance.ts";
import { seededRandom } from "../core/util/random.ts";

function coordinates(i: number, [, h, w]: Shape3): [number, number, number] {
  return [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
}

Deno.test("surface distance: the distance transform equals brute force, anisotropic", () => {
  const random = seededRandom(11);
  const shape: Shape3 = [5, 9, 7];
  const spacing = [7.5, 1.3, 0.6] as const;
  const sites = Array.from({ length: 5 * 9 * 7 }, () => random() < 0.04);
  const fast = squaredDistanceTransform(sites, shape, spacing);
  sites.forEach((_, i) => {
    const a = coordinates(i, shape);
    let best = Infinity;
    sites.forEach((site, j) => {
      if (!site) return;
      const b = coordinates(j, shape);
      best = Math.min(best, a.reduce((s, v, k) => s + ((v - b[k]) * spacing[k]) ** 2, 0));
    });
    assert.ok(Math.abs(fast[i] - best) < 1e-9, `voxel ${i}: ${fast[i]} vs ${best}`);
  });
});

Deno.test("surface distance: the surface is the voxels an erosion removes (edge counts)", () => {
  const shape: Shape3 = [3, 3, 3];
  const full = new Uint8Array(27).fill(1);
  assert.deepEqual(surfaceVoxels(full, shape).length, 26, "only the centre is inner");
  const padded: Shape3 = [5, 5, 5];
  const cube = new Uint8Array(125).map((_, i) => {
    const [z, y, x] = coordinates(i, padded);
    return z >= 1 && z <= 3 && y >= 1 && y <= 3 && x >= 1 && x <= 3 ? 1 : 0;
  });
  assert.deepEqual(surfaceVoxels(cube, padded).length, 26);
});

Deno.test("surface distance: a shifted slab is as far as the shift, in mm", () => {
  const shape: Shape3 = [6, 4, 4];
  const slab = (from: number) =>
    new Uint8Array(96).map((_, i) => coordinates(i, shape)[0] >= from ? 1 : 0);
  const { hd95, assd } = hd95AndAssd(slab(2), slab(3), shape, [10, 1, 1]);
  assert.ok(Math.abs(hd95 - 10) < 1e-12, `${hd95}`);
  assert.ok(assd > 0 && assd < 10);
  const distances = surfaceDistances(slab(2), slab(2), shape, [10, 1, 1]);
  assert.ok(distances.aToB.every((d) => d === 0));
});

Deno.test("surface distance: empty masks give 0 (both) or NaN (one)", () => {
  const shape: Shape3 = [1, 2, 2];
  const none = new Uint8Array(4), some = Uint8Array.from([1, 0, 0, 0]);
  assert.deepEqual(hd95AndAssd(none, none, shape, [1, 1, 1]), { hd95: 0, assd: 0 });
  assert.ok(Number.isNaN(hd95AndAssd(none, some, shape, [1, 1, 1]).hd95));
});

Deno.test("surface distance: percentile interpolates linearly like numpy", () => {
  assert.equal(percentile([1, 2, 3, 4], 95), 3.8499999999999996); // numpy's value
  assert.equal(percentile([5], 95), 5);
  assert.equal(percentile([0, 10], 50), 5);
});
