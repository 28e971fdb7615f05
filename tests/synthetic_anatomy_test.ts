import assert from "node:assert/strict";
import { heartAt, sampleAnatomy, slicePositions } from "../plugins/dataset/synthetic/anatomy.ts";
import { seededRandom } from "../core/util/random.ts";

Deno.test("synthetic_anatomy: the myocardium keeps its area from ED to ES and thickens", () => {
  const anatomy = sampleAnatomy("NOR", seededRandom(1), 8);
  const ed = heartAt(anatomy, 0.3, "ED"), es = heartAt(anatomy, 0.3, "ES");
  const ring = (h: typeof ed) => (h.cavity + h.wallAt(0)) ** 2 - h.cavity ** 2;
  assert.ok(Math.abs(ring(ed) - ring(es)) < 1e-6 * ring(ed));
  assert.ok(es.cavity < ed.cavity && es.wallAt(0) > ed.wallAt(0));
});

Deno.test("synthetic_anatomy: MINF has a thinned segment, others a uniform wall", () => {
  const minf = sampleAnatomy("MINF", seededRandom(2), 8);
  const heart = heartAt(minf, 0.3, "ED");
  assert.ok(heart.wallAt(minf.scar!.angle) < 0.5 * heart.wallAt(minf.scar!.angle + Math.PI));
  const nor = heartAt(sampleAnatomy("NOR", seededRandom(2), 8), 0.3, "ED");
  assert.equal(nor.wallAt(0), nor.wallAt(2));
});

Deno.test("synthetic_anatomy: slices run from base to apex, the RV vanishing at the apex", () => {
  assert.deepEqual(slicePositions(1), [0.4]);
  const positions = slicePositions(6);
  assert.equal(positions.length, 6);
  assert.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]));
  const anatomy = sampleAnatomy("NOR", seededRandom(3), 8);
  assert.ok(heartAt(anatomy, positions[0], "ED").rv !== undefined);
  assert.ok(
    heartAt(anatomy, 1, "ED").rv === undefined || heartAt(anatomy, 1, "ED").rv!.across < 15,
  );
});
