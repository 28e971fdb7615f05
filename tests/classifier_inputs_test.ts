import assert from "node:assert/strict";
import type { PreparedSlices, SliceMeta } from "../core/steps/data/prepared.ts";
import {
  channelSources,
  classifierInputValues,
  inputChannelCount,
} from "../core/steps/classifier/classifier_inputs.ts";

/** One patient, 3 positions × 2 phases, 1×1 "images" whose value names the slice. */
const META: SliceMeta[] = [
  ...[0, 1, 2].map((k) => ({ patientId: "p1", group: "NOR", phase: "ED", sliceIndex: k }) as const),
  ...[0, 1, 2].map((k) => ({ patientId: "p1", group: "NOR", phase: "ES", sliceIndex: k }) as const),
  { patientId: "p2", group: "DCM", phase: "ED", sliceIndex: 0 },
];
const PREPARED: PreparedSlices = {
  size: 1,
  count: META.length,
  images: Float32Array.from([10, 11, 12, 20, 21, 22, 30]),
  labels: new Uint8Array(META.length),
  meta: META,
};

Deno.test("classifier inputs: channel counts", () => {
  assert.deepEqual(["slice", "ed-es", "neighbours"].map((i) => inputChannelCount(i as never)), [
    1,
    2,
    3,
  ]);
});

Deno.test("classifier inputs: slice is the image itself", () => {
  assert.deepEqual(Array.from(classifierInputValues(PREPARED, "slice")), [
    10,
    11,
    12,
    20,
    21,
    22,
    30,
  ]);
});

Deno.test("classifier inputs: ed-es pairs the slice with its position at the other phase", () => {
  const values = Array.from(classifierInputValues(PREPARED, "ed-es"));
  // slice itself first, the other phase second; p2 has no ES, so it repeats itself
  assert.deepEqual(values, [10, 20, 11, 21, 12, 22, 20, 10, 21, 11, 22, 12, 30, 30]);
});

Deno.test("classifier inputs: neighbours are k−1, k, k+1 of the same stack, ends repeat", () => {
  const values = Array.from(classifierInputValues(PREPARED, "neighbours"));
  assert.deepEqual(values.slice(0, 9), [10, 10, 11, 10, 11, 12, 11, 12, 12]);
  assert.deepEqual(values.slice(9, 18), [20, 20, 21, 20, 21, 22, 21, 22, 22]);
  assert.deepEqual(values.slice(18), [30, 30, 30]);
});

Deno.test("classifier inputs: channels interleave per pixel (NHWC)", () => {
  const prepared: PreparedSlices = {
    ...PREPARED,
    size: 2,
    count: 2,
    images: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    labels: new Uint8Array(8),
    meta: [META[0], META[3]],
  };
  assert.deepEqual(channelSources(prepared.meta, "ed-es"), [[0, 1], [1, 0]]);
  assert.deepEqual(
    Array.from(classifierInputValues(prepared, "ed-es")),
    [1, 5, 2, 6, 3, 7, 4, 8, 5, 1, 6, 2, 7, 3, 8, 4],
  );
});

Deno.test("classifier inputs: a subset of slices still finds partners in the whole stack", () => {
  // slice 4 (ES, position 1) with its ED partner 1, which is not in the subset
  assert.deepEqual(Array.from(classifierInputValues(PREPARED, "ed-es", [4, 6])), [21, 11, 30, 30]);
  assert.deepEqual(Array.from(classifierInputValues(PREPARED, "neighbours", [0])), [10, 10, 11]);
});
