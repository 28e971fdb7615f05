import assert from "node:assert/strict";
import type { Map2D } from "../core/plugin/plugin.ts";
import {
  gaussianBlurMap,
  gaussianBlurPlugin,
  gaussianKernel,
} from "../plugins/postprocess/gaussian_blur.ts";
import { testContext } from "./backend_parity.ts";

/** A 5×7 map and SciPy's `ndimage.gaussian_filter(m, sigma, mode="reflect", truncate=4)`. */
const INPUT = [
  0.08560000,
  0.23680000,
  0.80130000,
  0.58220000,
  0.09410000,
  0.43310000,
  0.47910000,
  0.15970000,
  0.73460000,
  0.11370000,
  0.39120000,
  0.51670000,
  0.43060000,
  0.58680000,
  0.73780000,
  0.95630000,
  0.28420000,
  0.64850000,
  0.69620000,
  0.29270000,
  0.00150000,
  0.97350000,
  0.29840000,
  0.31400000,
  0.89170000,
  0.58520000,
  0.47130000,
  0.77330000,
  0.03030000,
  0.70700000,
  0.37420000,
  0.09090000,
  0.66050000,
  0.93150000,
  0.20720000,
];
const SCIPY: Record<string, number[]> = {
  "1": [
    0.25764851,
    0.38306414,
    0.48179341,
    0.45952601,
    0.39433649,
    0.40791667,
    0.45354682,
    0.41262089,
    0.46463723,
    0.47118886,
    0.46812823,
    0.44977173,
    0.42413531,
    0.41745728,
    0.59161837,
    0.55200324,
    0.49476493,
    0.51813835,
    0.52268655,
    0.45356403,
    0.39711179,
    0.57695729,
    0.52719430,
    0.47998093,
    0.52226137,
    0.56764416,
    0.53151127,
    0.46680929,
    0.42517713,
    0.45351441,
    0.43109127,
    0.46032886,
    0.56856681,
    0.58869189,
    0.49631218,
  ],
  "3": [
    0.46169208,
    0.46253477,
    0.46367916,
    0.46444754,
    0.46447569,
    0.46396876,
    0.46348275,
    0.46554193,
    0.46634866,
    0.46746100,
    0.46824476,
    0.46834460,
    0.46793206,
    0.46751150,
    0.47163576,
    0.47239783,
    0.47348229,
    0.47432016,
    0.47456454,
    0.47432715,
    0.47402477,
    0.47756958,
    0.47830318,
    0.47938838,
    0.48031512,
    0.48073788,
    0.48070219,
    0.48053252,
    0.48115982,
    0.48188390,
    0.48298386,
    0.48398292,
    0.48453288,
    0.48463517,
    0.48455481,
  ],
  "0.6": [
    0.13864547,
    0.34542296,
    0.59943134,
    0.50808613,
    0.27631645,
    0.39935272,
    0.48443230,
    0.31926459,
    0.54080529,
    0.36408697,
    0.43435513,
    0.46246761,
    0.43033898,
    0.46154511,
    0.69851947,
    0.69551356,
    0.41810089,
    0.58129196,
    0.59454552,
    0.37737136,
    0.24899778,
    0.72280437,
    0.50136989,
    0.41252081,
    0.63227364,
    0.61552430,
    0.54075780,
    0.54488483,
    0.26645831,
    0.51700844,
    0.38700938,
    0.32194833,
    0.61049342,
    0.72447464,
    0.39528029,
  ],
};

const MAP: Map2D = { data: Float32Array.from(INPUT), height: 5, width: 7 };

Deno.test("gaussian-blur matches SciPy gaussian_filter (reflect), radius beyond the map too", () => {
  for (const [sigma, expected] of Object.entries(SCIPY)) {
    const blurred = gaussianBlurMap(MAP, Number(sigma));
    const error = Math.max(...expected.map((v, i) => Math.abs(blurred.data[i] - v)));
    assert.ok(error < 1e-6, `sigma ${sigma}: off by ${error}`);
    assert.equal(blurred.height, 5);
    assert.equal(blurred.width, 7);
  }
  assert.deepEqual(Array.from(MAP.data), Array.from(Float32Array.from(INPUT)), "input changed");
});

Deno.test("gaussian kernel: SciPy's radius, unit sum, symmetric", () => {
  assert.equal(gaussianKernel(1, 4).length, 9);
  assert.equal(gaussianKernel(1.5, 4).length, 13);
  assert.equal(gaussianKernel(2, 2).length, 9);
  const kernel = gaussianKernel(1.3, 4);
  assert.ok(Math.abs(kernel.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  kernel.forEach((w, i) => assert.equal(w, kernel[kernel.length - 1 - i]));
});

Deno.test("gaussian-blur plugin: defaults, bounds, constant maps stay constant", async () => {
  assert.deepEqual(gaussianBlurPlugin.options.parse({}), { sigma: 2, truncate: 4 });
  assert.equal(gaussianBlurPlugin.options.safeParse({ sigma: 0 }).success, false);
  const instance = await gaussianBlurPlugin.create({ sigma: 1.5, truncate: 4 }, testContext());
  const flat = instance.apply({ data: new Float32Array(12).fill(0.75), height: 3, width: 4 });
  flat.data.forEach((v) => assert.ok(Math.abs(v - 0.75) < 1e-7));
});
