import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { seededRandom } from "../core/util/random.ts";
import {
  boxMasks,
  cutMixMasks,
  cutout,
  gaussianNoise,
  gaussianTaps,
  mixIn,
  randomBlur,
  randomBox,
  randomGamma,
} from "../core/training/photometric.ts";
import { hostValues, pattern, useBackend } from "./model_harness.ts";

await useBackend("wasm");

const SIZE = 12;

/** Two channels: a pattern (image) and a constant 0.5 (prior). */
function twoChannels(count: number) {
  const values = [...pattern(count * SIZE * SIZE, 3)].flatMap((v) => [v, 0.5]);
  return tf.tensor4d(Float32Array.from(values), [count, SIZE, SIZE, 2]);
}

const channel = (values: Float32Array, c: number) => values.filter((_, i) => i % 2 === c);

Deno.test("photometric: Gaussian taps sum to 1; σ 0 is an impulse", () => {
  const taps = gaussianTaps(1.5, 3);
  assert.equal(taps.length, 7);
  assert.ok(Math.abs(taps.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.ok(taps[3] > taps[2] && taps[2] > taps[1] && Math.abs(taps[1] - taps[5]) < 1e-9);
  assert.deepEqual([...gaussianTaps(0, 2)], [0, 0, 1, 0, 0]);
});

Deno.test("photometric: gamma is x^γ per image on image channels only", async () => {
  const images = twoChannels(3);
  const out = randomGamma(images, 0.5, seededRandom(4), [true, false]);
  const [before, after] = [await hostValues(images), await hostValues(out)];
  assert.deepEqual(channel(after, 1), channel(before, 1));
  const pixels = SIZE * SIZE;
  for (let n = 0; n < 3; n++) {
    const x = channel(before, 0).subarray(n * pixels, (n + 1) * pixels);
    const y = channel(after, 0).subarray(n * pixels, (n + 1) * pixels);
    const gamma = Math.log(y[5]) / Math.log(x[5]);
    assert.ok(gamma >= Math.exp(-0.5) - 1e-3 && gamma <= Math.exp(0.5) + 1e-3, `γ ${gamma}`);
    x.forEach((v, i) => assert.ok(Math.abs(v ** gamma - y[i]) < 1e-4));
  }
  tf.dispose([images, out]);
});

Deno.test("photometric: blur keeps flat images flat inside, priors untouched, seeded", async () => {
  const flat = tf.fill([4, SIZE, SIZE, 2], 0.5) as tf.Tensor4D;
  const out = await hostValues(randomBlur(flat, 1, seededRandom(1), [true, false]));
  for (let n = 0; n < 4; n++) {
    const centre = ((n * SIZE + 6) * SIZE + 6) * 2;
    assert.ok(Math.abs(out[centre] - 0.5) < 1e-5, `interior of image ${n} changed`);
  }
  assert.ok(channel(out, 1).every((v) => Math.abs(v - 0.5) < 1e-6), "prior blurred");
  const images = twoChannels(16);
  const a = await hostValues(randomBlur(images, 1.5, seededRandom(2), [true, false]));
  const b = await hostValues(randomBlur(images, 1.5, seededRandom(2), [true, false]));
  assert.deepEqual(a, b);
  const original = await hostValues(images);
  assert.notDeepEqual(channel(a, 0), channel(original, 0), "nothing blurred");
  tf.dispose([flat, images]);
});

Deno.test("photometric: noise is seeded and spares priors", async () => {
  const images = twoChannels(2);
  const a = await hostValues(gaussianNoise(images, 0.1, 9, [true, false]));
  assert.deepEqual(a, await hostValues(gaussianNoise(images, 0.1, 9, [true, false])));
  const original = await hostValues(images);
  assert.deepEqual(channel(a, 1), channel(original, 1));
  const change = channel(a, 0).map((v, i) => v - channel(original, 0)[i]);
  const sd = Math.sqrt(change.reduce((s, d) => s + d * d, 0) / change.length);
  assert.ok(sd > 0.07 && sd < 0.13, `noise sd ${sd}`);
  images.dispose();
});

Deno.test("photometric: boxes stay inside the image; cutout zeroes one box per image", async () => {
  const random = seededRandom(3);
  for (let i = 0; i < 200; i++) {
    const box = randomBox(SIZE, 20, 0.02, 0.4, random);
    assert.ok(box.top >= 0 && box.bottom <= SIZE && box.left >= 0 && box.right <= 20);
    assert.ok(box.bottom > box.top && box.right > box.left);
  }
  const images = tf.fill([3, SIZE, SIZE, 2], 1) as tf.Tensor4D;
  const out = await hostValues(cutout(images, 0.5, seededRandom(5), [true, false]));
  assert.ok(channel(out, 1).every((v) => v === 1), "prior cut out");
  const zeros = channel(out, 0).filter((v) => v === 0).length;
  assert.ok(zeros > 0 && zeros <= 3 * (SIZE / 2 + 1) ** 2, `${zeros} zeros`);
  images.dispose();
});

Deno.test("photometric: CutMix takes each box from the next image, for every tensor alike", async () => {
  const count = 4;
  const masks = cutMixMasks(count, SIZE, SIZE, 1, seededRandom(8));
  const rows = tf.tensor3d(
    Int32Array.from({ length: count * SIZE * SIZE }, (_, i) => Math.floor(i / (SIZE * SIZE))),
    [count, SIZE, SIZE],
    "int32",
  );
  const mixed = await hostValues(mixIn(rows, masks));
  const inside = await hostValues(masks);
  mixed.forEach((v, i) => {
    const n = Math.floor(i / (SIZE * SIZE));
    assert.equal(v, inside[i] === 1 ? (n + 1) % count : n);
  });
  assert.ok(inside.some((v) => v === 1));
  const none = await hostValues(cutMixMasks(count, SIZE, SIZE, 0, seededRandom(8)));
  assert.ok(none.every((v) => v === 0));
  const boxes = await hostValues(
    boxMasks([undefined, { top: 1, left: 2, bottom: 3, right: 5 }], 4, 6),
  );
  assert.equal(boxes.reduce((a, b) => a + b, 0), 6);
  assert.equal(boxes[24 + 6 + 2], 1);
  tf.dispose([masks, rows]);
});
