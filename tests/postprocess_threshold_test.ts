import assert from "node:assert/strict";
import type { Map2D } from "../core/plugin/plugin.ts";
import { otsuLevel, thresholdMap, thresholdPlugin } from "../plugins/postprocess/threshold.ts";
import { testContext } from "./backend_parity.ts";

function map(values: number[], width = values.length): Map2D {
  return { data: Float32Array.from(values), height: values.length / width, width };
}

const options = thresholdPlugin.options.parse.bind(thresholdPlugin.options);

Deno.test("threshold: defaults, fixed value inclusive, mask or values, input untouched", () => {
  assert.deepEqual(options({}), { method: "fixed", value: 0.5, output: "mask" });
  const input = map([0.1, 0.5, 0.49, 0.9, 0.2, 1], 3);
  const mask = thresholdMap(input, options({}));
  assert.deepEqual(Array.from(mask.data), [0, 1, 0, 1, 0, 1]);
  assert.equal(mask.height, 2);
  assert.equal(mask.width, 3);
  const kept = thresholdMap(input, options({ value: 0.3, output: "values" }));
  assert.deepEqual(Array.from(kept.data), Array.from(Float32Array.from([0, 0.5, 0.49, 0.9, 0, 1])));
  assert.deepEqual(
    Array.from(input.data),
    Array.from(Float32Array.from([0.1, 0.5, 0.49, 0.9, 0.2, 1])),
  );
  assert.equal(thresholdPlugin.options.safeParse({ value: 1.5 }).success, false);
  assert.equal(thresholdPlugin.options.safeParse({ method: "mean" }).success, false);
});

Deno.test("otsu: cuts the gap between two clusters in its middle", () => {
  // levels 20–30 and 200–210: every split in 31…200 is optimal, the middle one is taken
  const values = [20, 25, 30, 22, 28, 200, 205, 210, 203].map((l) => l / 255);
  assert.equal(otsuLevel(Float32Array.from(values)), Math.floor((31 + 200) / 2));
  const mask = thresholdMap(map(values), options({ method: "otsu" }));
  assert.deepEqual(Array.from(mask.data), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
});

Deno.test("otsu: matches a brute-force between-class variance search", () => {
  let state = 12345;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const values = Array.from(
    { length: 400 },
    (_, i) => i % 3 === 0 ? 0.7 + 0.3 * random() : 0.5 * random() ** 2,
  );
  const levels = values.map((v) => Math.round(v * 255));
  const variance = (t: number) => {
    const lo = levels.filter((l) => l < t);
    const hi = levels.filter((l) => l >= t);
    if (lo.length === 0 || hi.length === 0) return 0;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return lo.length * hi.length * (mean(lo) - mean(hi)) ** 2;
  };
  const best = Math.max(...Array.from({ length: 255 }, (_, i) => variance(i + 1)));
  const level = otsuLevel(Float32Array.from(values));
  assert.ok(variance(level) >= best * (1 - 1e-9), `level ${level} is not a maximiser`);
});

Deno.test("otsu: a constant map has no foreground", () => {
  assert.equal(otsuLevel(Float32Array.from([0.4, 0.4, 0.4])), Infinity);
  const mask = thresholdMap(map([0.4, 0.4, 0.4]), options({ method: "otsu" }));
  assert.deepEqual(Array.from(mask.data), [0, 0, 0]);
});

Deno.test("threshold plugin instance applies its options", async () => {
  const instance = await thresholdPlugin.create(options({ value: 0.25 }), testContext());
  assert.deepEqual(Array.from(instance.apply(map([0.2, 0.3])).data), [0, 1]);
});
