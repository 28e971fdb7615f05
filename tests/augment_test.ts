import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  augmentBatch,
  augmentSchema,
  isAugmenting,
  warpMatrices,
} from "../core/training/augment.ts";
import { seededRandom } from "../core/util/random.ts";
import { hostValues, useBackend } from "./model_harness.ts";

await useBackend("wasm");

const SIZE = 16;
const settings = (overrides: Record<string, unknown>) => augmentSchema.parse(overrides);

/** Label maps of four 8×8 blocks (classes 0–3) and images equal to label / 3. */
function blocks(count: number) {
  const labels = Int32Array.from({ length: count * SIZE * SIZE }, (_, i) => {
    const [y, x] = [Math.floor(i / SIZE) % SIZE, i % SIZE];
    return (y < 8 ? 0 : 2) + (x < 8 ? 0 : 1);
  });
  return {
    images: tf.tensor4d(Float32Array.from(labels, (l) => l / 3), [count, SIZE, SIZE, 1]),
    labels: tf.tensor3d(labels, [count, SIZE, SIZE], "int32"),
  };
}

async function run(options: Record<string, unknown>, seed: number, count = 8) {
  const batch = blocks(count);
  const out = augmentBatch(batch, settings(options), seed);
  const result = { images: await hostValues(out.images), labels: await hostValues(out.labels!) };
  tf.dispose([batch.images, batch.labels, out.images, out.labels!]);
  return result;
}

Deno.test("augment: off by default; matrices of a flip map pixel centres exactly", () => {
  assert.equal(isAugmenting(settings({})), false);
  const m = warpMatrices(settings({ flipHorizontal: true }), 16, SIZE, SIZE, seededRandom(1));
  const rows = Array.from({ length: 16 }, (_, i) => Array.from(m.subarray(i * 8, i * 8 + 6)));
  const flipped = [-1, 0, SIZE - 1, 0, 1, 0];
  const identity = [1, 0, 0, 0, 1, 0];
  assert.ok(rows.every((r) => [flipped, identity].some((e) => e.every((v, k) => v === r[k]))));
  assert.ok(rows.some((r) => r[0] === -1) && rows.some((r) => r[0] === 1), "flip never varies");
});

Deno.test("augment: flips move image and labels identically and are seeded", async () => {
  const a = await run({ flipHorizontal: true, flipVertical: true }, 5);
  assert.deepEqual(a.labels, Float32Array.from(a.images, (v) => Math.round(v * 3)));
  assert.deepEqual(await run({ flipHorizontal: true, flipVertical: true }, 5), a);
  assert.notDeepEqual(
    (await run({ flipHorizontal: true, flipVertical: true }, 6)).labels,
    a.labels,
  );
});

Deno.test("augment: rotations and shifts warp labels (nearest) like the image", async () => {
  const { images, labels } = await run({ rotation: 15, shift: 0.1 }, 2);
  assert.ok(labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 3), "labels not classes");
  // Away from block edges the bilinear image and the nearest labels must agree.
  const agree = labels.filter((l, i) => Math.abs(images[i] * 3 - l) < 0.01).length;
  assert.ok(agree / labels.length > 0.8, `only ${agree} of ${labels.length} pixels agree`);
  const original = (await run({}, 2)).labels;
  assert.notDeepEqual(labels, original, "nothing moved");
});

Deno.test("augment: intensity jitter touches only the flagged channels; no tensors leak", async () => {
  const before = tf.memory().numTensors;
  const images = tf.fill([4, SIZE, SIZE, 2], 0.5) as tf.Tensor4D;
  const out = augmentBatch({ images }, settings({ intensity: 0.2 }), 1, [true, false]);
  const values = await hostValues(out.images);
  const channel = (c: number) => values.filter((_, i) => i % 2 === c);
  assert.ok(channel(1).every((v) => v === 0.5), "the prior channel changed");
  assert.ok(channel(0).some((v) => v !== 0.5), "the image channel did not change");
  assert.ok(channel(0).every((v) => v >= 0.5 * 0.8 - 0.1 && v <= 0.5 * 1.2 + 0.1));
  assert.equal(out.labels, undefined);
  tf.dispose([images, out.images]);
  assert.equal(tf.memory().numTensors, before);
});
