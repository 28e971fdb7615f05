import assert from "node:assert/strict";
import type { Map2D } from "../core/plugin/plugin.ts";
import {
  labelComponents,
  largestComponentMap,
  largestComponentPlugin,
} from "../plugins/postprocess/largest_component.ts";
import { testContext } from "./backend_parity.ts";

/** A map from rows of characters: `#` is 0.9, `+` is 0.6, `.` is 0.1. */
function picture(...rows: string[]): Map2D {
  const values: Record<string, number> = { "#": 0.9, "+": 0.6, ".": 0.1 };
  const data = Float32Array.from(rows.join("").split(""), (c) => values[c]);
  return { data, height: rows.length, width: rows[0].length };
}

/** A map back to rows of `1` (nonzero) and `.`. */
function rows(map: Map2D): string[] {
  const cells = Array.from(map.data, (v) => v > 0 ? "1" : ".");
  return Array.from(
    { length: map.height },
    (_, y) => cells.slice(y * map.width, (y + 1) * map.width).join(""),
  );
}

const options = largestComponentPlugin.options.parse.bind(largestComponentPlugin.options);

const DIAGONAL = picture(
  "##...",
  "##...",
  "..#..",
  "...##",
  "+..##",
);

Deno.test("largest-component: 8-connectivity joins corners, 4 does not", () => {
  assert.deepEqual(options({}), { threshold: 0.5, connectivity: 8, output: "mask" });
  assert.deepEqual(rows(largestComponentMap(DIAGONAL, options({}))), [
    "11...",
    "11...",
    "..1..",
    "...11",
    "...11",
  ]);
  // with 4-connectivity the two 2×2 blocks tie at 4 pixels: the first in row-major order wins
  assert.deepEqual(rows(largestComponentMap(DIAGONAL, options({ connectivity: 4 }))), [
    "11...",
    "11...",
    ".....",
    ".....",
    ".....",
  ]);
});

Deno.test("largest-component: threshold, values output, input untouched", () => {
  const map = picture(
    "#.+++",
    "#.+++",
  );
  const before = Array.from(map.data);
  const kept = largestComponentMap(map, options({ output: "values" }));
  assert.deepEqual(
    Array.from(kept.data),
    Array.from(Float32Array.from([0, 0, 0.6, 0.6, 0.6, 0, 0, 0.6, 0.6, 0.6])),
  );
  assert.deepEqual(rows(largestComponentMap(map, options({ threshold: 0.8 }))), ["1....", "1...."]);
  assert.deepEqual(Array.from(map.data), before);
});

Deno.test("largest-component: no foreground gives an all-zero map", async () => {
  const instance = await largestComponentPlugin.create(options({}), testContext());
  const empty = instance.apply(picture("...", "..."));
  assert.deepEqual(Array.from(empty.data), [0, 0, 0, 0, 0, 0]);
});

Deno.test("labelComponents numbers components in row-major order with sizes", () => {
  const mask = Uint8Array.from([1, 0, 1, 1, 0, 0, 0, 0, 1]);
  const { labels, sizes } = labelComponents(mask, 3, 3, 4);
  assert.deepEqual(Array.from(labels), [1, 0, 2, 1, 0, 0, 0, 0, 3]);
  assert.deepEqual(sizes, [0, 2, 1, 1]);
});
