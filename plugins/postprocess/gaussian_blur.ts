/**
 * `gaussian-blur` postprocess plugin: separable Gaussian smoothing as SciPy's
 * `ndimage.gaussian_filter(map, sigma, mode="reflect", truncate=4)`: the kernel has radius
 * `⌊truncate · sigma + 0.5⌋`, weights `exp(−x² / 2σ²)` summing to 1, and the map is
 * extended by mirroring with the edge pixel repeated (`d c b a | a b c d | d c b a`).
 * Values stay in [0, 1] (the weights are a convex combination).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Map2D } from "../../mod.ts";

/** Normalised 1-D Gaussian weights for offsets `−radius … radius`. */
export function gaussianKernel(sigma: number, truncate: number): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const weights = Float64Array.from(
    { length: 2 * radius + 1 },
    (_, i) => Math.exp(-0.5 * ((i - radius) / sigma) ** 2),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Index `i` mirrored into `[0, n)` with edges repeated, for any `i`. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const j = ((i % period) + period) % period;
  return j < n ? j : period - 1 - j;
}

/**
 * Convolves `lines` lines of `length` values, spaced `stride` apart within a line and
 * `lineStep` between lines, with `kernel`.
 */
function convolveLines(
  input: Float64Array,
  kernel: Float64Array,
  layout: { lines: number; length: number; stride: number; lineStep: number },
): Float64Array {
  const { lines, length, stride, lineStep } = layout;
  const radius = (kernel.length - 1) / 2;
  const output = new Float64Array(input.length);
  for (let line = 0; line < lines; line++) {
    const base = line * lineStep;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let t = 0; t < kernel.length; t++) {
        sum += kernel[t] * input[base + reflect(i + t - radius, length) * stride];
      }
      output[base + i * stride] = sum;
    }
  }
  return output;
}

/** Blurs a map with a Gaussian of standard deviation `sigma` pixels; returns a new map. */
export function gaussianBlurMap(map: Map2D, sigma: number, truncate = 4): Map2D {
  const { height, width } = map;
  const kernel = gaussianKernel(sigma, truncate);
  const rows = convolveLines(Float64Array.from(map.data), kernel, {
    lines: width,
    length: height,
    stride: width,
    lineStep: 1,
  });
  const both = convolveLines(rows, kernel, {
    lines: height,
    length: width,
    stride: 1,
    lineStep: width,
  });
  return { data: Float32Array.from(both), height, width };
}

/** Options of the `gaussian-blur` plugin. */
export const gaussianBlurOptions = z.strictObject({
  sigma: z.number().gt(0).max(100).default(2)
    .describe("standard deviation in pixels"),
  truncate: z.number().gt(0).max(10).default(4)
    .describe("kernel radius in standard deviations (SciPy's truncate)"),
});

/** The `gaussian-blur` postprocess plugin. */
export const gaussianBlurPlugin = definePlugin({
  kind: "postprocess",
  name: "gaussian-blur",
  description: "Gaussian smoothing (SciPy gaussian_filter, reflect mode)",
  version: "1",
  options: gaussianBlurOptions,
  create: ({ sigma, truncate }) => ({
    apply: (map: Map2D) => gaussianBlurMap(map, sigma, truncate),
  }),
});
