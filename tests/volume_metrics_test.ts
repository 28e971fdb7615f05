/**
 * Per-volume metrics against SciPy: `tests/fixtures/surface_distance_fixture.json` holds
 * hand-made 3-D label volumes (anisotropic spacing, edge-touching masks, a ring, a missed and
 * a hallucinated structure, one slice, random blobs) and their Dice, IoU, sensitivity,
 * specificity, HD95 and ASSD computed with SciPy by MedPy's definitions; see the generator
 * `tests/fixtures/surface_distance_fixture.py` for how and why.
 */
import assert from "node:assert/strict";
import { volumeMetrics } from "../core/metrics/volume_metrics.ts";
import type { Shape3, Spacing3 } from "../core/metrics/surface_distance.ts";

interface FixtureCase {
  readonly name: string;
  readonly shape: Shape3;
  readonly spacing: Spacing3 | null;
  readonly truth: string;
  readonly predicted: string;
  readonly structures: Record<string, number | null>[];
}

const fixture: { cases: FixtureCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/surface_distance_fixture.json", import.meta.url)),
);
const digits = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) - 48);
const KEYS = ["dice", "iou", "sensitivity", "specificity", "hd95", "assd"] as const;

for (const c of fixture.cases) {
  Deno.test(`volume metrics: ${c.name} match SciPy/MedPy`, () => {
    const truth = { labels: digits(c.truth), shape: c.shape };
    const predicted = { labels: digits(c.predicted), shape: c.shape };
    const got = volumeMetrics(truth, predicted, [1, 2, 3], c.spacing ?? undefined);
    assert.equal(got.unit, c.spacing ? "mm" : "px");
    c.structures.forEach((want, i) => {
      const have = got.structures[i];
      assert.equal(have.truthVoxels, want.truthVoxels);
      assert.equal(have.predictedVoxels, want.predictedVoxels);
      for (const key of KEYS) {
        const expected = want[key];
        if (expected === null) assert.ok(Number.isNaN(have[key]), `${key} of ${want.label}`);
        else {assert.ok(
            Math.abs(have[key] - expected) < 1e-9,
            `${key} of ${want.label}: ${have[key]} vs ${expected}`,
          );}
      }
    });
  });
}

Deno.test("volume metrics: mismatched shapes name both", () => {
  const a = { labels: new Uint8Array(8), shape: [2, 2, 2] as const };
  const b = { labels: new Uint8Array(12), shape: [3, 2, 2] as const };
  assert.throws(() => volumeMetrics(a, b, [1]), /truth 2×2×2 \(8 values\), prediction 3×2×2/);
});

Deno.test("volume metrics: a missed structure scores Dice 0 and the mean counts it", () => {
  const truth = { labels: Uint8Array.from([1, 1, 2, 2]), shape: [1, 2, 2] as const };
  const predicted = { labels: Uint8Array.from([0, 0, 2, 2]), shape: [1, 2, 2] as const };
  const m = volumeMetrics(truth, predicted, [1, 2, 3]);
  assert.equal(m.structures[0].dice, 0);
  assert.ok(Number.isNaN(m.structures[0].hd95));
  assert.ok(Number.isNaN(m.structures[2].dice), "absent from both: undefined, not 1");
  assert.equal(m.foregroundDice, 0.5);
});
