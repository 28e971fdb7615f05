import assert from "node:assert/strict";
import { boxAround, boxBlur, cropPadded, locateHeart } from "../core/steps/data/heart_crop.ts";

Deno.test("heart_crop: box blur averages the neighbourhood that is inside", () => {
  const src = Float32Array.of(0, 0, 0, 0, 9, 0, 0, 0, 0);
  const out = boxBlur(src, 3, 3, 1);
  assert.equal(out[4], 1);
  assert.equal(out[0], 9 / 4);
  assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 9 * (4 * 9 / 4 + 4 * 9 / 6 + 1) / 9) < 1e-5);
});

Deno.test("heart_crop: cropPadded copies the box and pads outside the image", () => {
  const src = Uint8Array.from({ length: 12 }, (_, i) => i + 1); // 3 rows × 4 columns
  assert.deepEqual([...cropPadded(src, 3, 4, { top: 1, left: 1, side: 2 })], [6, 7, 10, 11]);
  assert.deepEqual([...cropPadded(src, 3, 4, { top: -1, left: 3, side: 2 })], [0, 0, 4, 0]);
  assert.deepEqual(boxAround([10, 20], 8), { top: 6, left: 16, side: 8 });
});

/** A 60×80 slice with a bright disc at (row, column); `pulse` changes its size. */
function disc(row: number, column: number, radius: number, phase: "ED" | "ES") {
  const image = new Float32Array(60 * 80);
  for (let y = 0; y < 60; y++) {
    for (let x = 0; x < 80; x++) {
      if ((y - row) ** 2 + (x - column) ** 2 < radius ** 2) image[y * 80 + x] = 1;
    }
  }
  return { image, height: 60, width: 80, phase, sliceIndex: 0 };
}

Deno.test("heart_crop: the heart is where ED and ES differ, not the brightest static spot", () => {
  const ed = disc(20, 50, 8, "ED"), es = disc(20, 50, 5, "ES");
  // A static bright blob (e.g. fat) nearer the centre is in both phases.
  for (const s of [ed, es]) {
    for (let y = 28; y < 34; y++) for (let x = 36; x < 44; x++) s.image[y * 80 + x] = 1;
  }
  const [row, column] = locateHeart([ed, es]);
  assert.ok(Math.abs(row - 20) < 3 && Math.abs(column - 50) < 3, `found ${row}, ${column}`);
});

Deno.test("heart_crop: with one phase only, the bright blood pool is found", () => {
  const [row, column] = locateHeart([disc(35, 30, 7, "ED")]);
  assert.ok(Math.abs(row - 35) < 2 && Math.abs(column - 30) < 2, `found ${row}, ${column}`);
});
