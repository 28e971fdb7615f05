import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  modeFilterMap,
  modeFilterPlugin as modeFilter,
  modeFilterU8,
  quantiseToU8,
} from "../plugins/postprocess/mode_filter.ts";
import type { PluginContext } from "../core/plugin/plugin.ts";

const CASES = new URL("../../shared/fixtures/mode-filter/cases.json", import.meta.url);

interface GoldenCase {
  input: string;
  size: number;
  expected: string;
  height: number;
  width: number;
}

interface Gray8 {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** An 8-bit grayscale PNG next to `cases.json`. */
async function readGray8(name: string): Promise<Gray8> {
  const png = decode(await Deno.readFile(new URL(name, CASES)));
  assert.equal(png.channels, 1, `${name}: grayscale`);
  assert.equal(png.depth, 8, `${name}: 8-bit`);
  return { pixels: Uint8Array.from(png.data), width: png.width, height: png.height };
}

/** Pillow's brute-force algorithm, transcribed: the reference for random tests. */
function bruteForceMode(image: Gray8, size: number): Uint8Array {
  const { pixels, width, height } = image;
  const m = Math.floor(size / 2);
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const histogram = new Int32Array(256);
      for (let yy = Math.max(0, y - m); yy <= Math.min(height - 1, y + m); yy++) {
        for (let xx = Math.max(0, x - m); xx <= Math.min(width - 1, x + m); xx++) {
          histogram[pixels[yy * width + xx]]++;
        }
      }
      let best = 0;
      for (let v = 1; v < 256; v++) if (histogram[v] > histogram[best]) best = v;
      out[y * width + x] = histogram[best] > 2 ? best : pixels[y * width + x];
    }
  }
  return out;
}

/** Deterministic pseudo-random image with `levels` grey levels. */
function randomImage(width: number, height: number, levels: number, seed: number): Gray8 {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const pixels = Uint8Array.from({ length: width * height }, () => next() % levels);
  return { pixels, width, height };
}

Deno.test("mode filter equals Pillow 9.4 on every golden case", async () => {
  let cases: GoldenCase[];
  try {
    cases = JSON.parse(await Deno.readTextFile(CASES)).cases;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.warn(`NOT CHECKED against Pillow: ${CASES.pathname} is missing`);
    return;
  }
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const input = await readGray8(c.input);
    const expected = await readGray8(c.expected);
    assert.deepEqual([input.width, input.height], [c.width, c.height], c.input);
    const actual = modeFilterU8(input.pixels, input.width, input.height, c.size);
    const wrong = actual.findIndex((v, i) => v !== expected.pixels[i]);
    assert.equal(wrong, -1, `${c.expected}: first difference at pixel ${wrong}`);
  }
});

Deno.test("mode filter equals Pillow's brute force on random images, all box sizes", () => {
  const shapes: [number, number, number][] = [[17, 11, 3], [9, 23, 6], [5, 4, 2], [1, 7, 2]];
  shapes.forEach(([width, height, levels], k) => {
    const image = randomImage(width, height, levels, k + 1);
    for (const size of [1, 2, 3, 4, 5, 6, 9, 12, 30, 64]) {
      const actual = modeFilterU8(image.pixels, width, height, size);
      assert.deepEqual(actual, bruteForceMode(image, size), `${width}×${height} size ${size}`);
    }
  });
});

/** A row-major 8-bit image from its rows. */
function grid(...rows: number[][]): Uint8Array {
  return Uint8Array.from(rows.flat());
}

Deno.test("mode filter by hand: ties go to the smaller value, rare values keep the pixel", () => {
  // 3×3, size 3: boxes are clipped at the border (corners see 2×2, edges 2×3 or 3×2).
  const tie = grid([7, 7, 7], [5, 5, 5], [9, 9, 1]);
  // top-middle box: 7 ×3, 5 ×3 → 5 (smaller wins); bottom-middle: 5 ×3 → 5;
  // corners: no value more than twice → kept.
  assert.deepEqual(modeFilterU8(tie, 3, 3, 3), grid([7, 5, 7], [5, 5, 5], [9, 5, 1]));
  const rare = grid([1, 2, 3], [4, 5, 6], [7, 8, 1]);
  assert.deepEqual(modeFilterU8(rare, 3, 3, 3), rare, "no value occurs more than twice");
  const majority = grid([4, 4, 4], [0, 9, 0], [4, 0, 0]);
  // centre: 4 ×4 and 0 ×4 → 0; left-middle (3×2): 4 ×3 → 4; the 9 is never kept.
  assert.deepEqual(modeFilterU8(majority, 3, 3, 3), grid([4, 4, 4], [4, 0, 0], [4, 0, 0]));
});

Deno.test("quantisation is numpy's float32 (m * 255).astype(uint8)", () => {
  const m = Float32Array.from([0, 1, 0.5, 0.2, 1 / 255, 254.99 / 255, -0.1, 1.5, Number.NaN]);
  // truncation, not rounding: 0.5 * 255 = 127.5 → 127; 254.99 → 254; outside [0, 1] clamped
  assert.deepEqual(quantiseToU8(m), Uint8Array.from([0, 255, 127, 51, 1, 254, 0, 255, 0]));
});

const CONTEXT: PluginContext = {
  seed: 0,
  workDir: ".",
  log: console as unknown as PluginContext["log"],
  signal: new AbortController().signal,
};

Deno.test("mode-filter plugin: default size 12, bounds, and a map round trip", async () => {
  assert.equal(modeFilter.kind, "postprocess");
  assert.equal(modeFilter.name, "mode-filter");
  assert.deepEqual(modeFilter.options.parse({}), { size: 12 });
  assert.equal(modeFilter.options.safeParse({ size: 0 }).success, false);
  assert.equal(modeFilter.options.safeParse({ size: 65 }).success, false);
  assert.equal(modeFilter.options.safeParse({ size: 2.5 }).success, false);
  assert.equal(modeFilter.options.safeParse({ size: 3, other: 1 }).success, false);

  const image = randomImage(20, 16, 4, 42);
  const data = Float32Array.from(image.pixels, (v) => v / 3);
  const map = { data, width: 20, height: 16 };
  const instance = await modeFilter.create(modeFilter.options.parse({ size: 5 }), CONTEXT);
  const result = instance.apply(map);
  assert.deepEqual([result.width, result.height], [20, 16]);
  const expected = modeFilterU8(quantiseToU8(data), 20, 16, 5);
  assert.deepEqual(result.data, Float32Array.from(expected, (v) => v / 255));
  assert.deepEqual(modeFilterMap(map, 5), result);
  assert.deepEqual(map.data, Float32Array.from(image.pixels, (v) => v / 3), "input untouched");
});

Deno.test("mode filter rejects bad arguments", () => {
  assert.throws(() => modeFilterU8(new Uint8Array(5), 2, 2, 3), RangeError);
  assert.throws(() => modeFilterU8(new Uint8Array(4), 2, 2, 0), RangeError);
  assert.throws(() => modeFilterU8(new Uint8Array(0), 0, 0, 3), RangeError);
});
