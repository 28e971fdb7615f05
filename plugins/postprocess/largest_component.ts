/**
 * `largest-component` postprocess plugin: keeps the largest connected region of foreground
 * pixels (value at or above `threshold`) and zeroes everything else. Kept pixels are 1
 * (`output: "mask"`) or keep their value (`output: "values"`). Connectivity is 8 (pixels
 * touching at a corner are connected) or 4. On a tie in size the region met first in
 * row-major order wins; a map without foreground becomes all zero.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Map2D } from "../../mod.ts";

/** Offsets `[dy, dx]` of the neighbours for each connectivity. */
const NEIGHBOURS = {
  4: [[-1, 0], [1, 0], [0, -1], [0, 1]],
  8: [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]],
} as const;

/** Connectivity of foreground pixels: 4 (edges) or 8 (edges and corners). */
export type Connectivity = keyof typeof NEIGHBOURS;

/**
 * Labels connected components of `mask` (row-major, `height × width`) by flood fill: each
 * pixel gets its component's number (1, 2, … in order of first pixel), background 0.
 */
export function labelComponents(
  mask: Uint8Array,
  height: number,
  width: number,
  connectivity: Connectivity,
): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const stack: number[] = [];
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || labels[seed]) continue;
    const label = sizes.length;
    sizes.push(0);
    labels[seed] = label;
    stack.push(seed);
    while (stack.length > 0) {
      const p = stack.pop()!;
      sizes[label]++;
      const y = Math.floor(p / width);
      const x = p - y * width;
      for (const [dy, dx] of NEIGHBOURS[connectivity]) {
        const ny = y + dy;
        const nx = x + dx;
        if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
        const q = ny * width + nx;
        if (mask[q] && !labels[q]) {
          labels[q] = label;
          stack.push(q);
        }
      }
    }
  }
  return { labels, sizes };
}

/** Options of the `largest-component` plugin. */
export const largestComponentOptions = z.strictObject({
  threshold: z.number().min(0).max(1).default(0.5)
    .describe("values at or above it are foreground"),
  connectivity: z.union([z.literal(4), z.literal(8)]).default(8)
    .describe("4: pixels touching by an edge are connected; 8: by an edge or a corner"),
  output: z.enum(["mask", "values"]).default("mask")
    .describe("mask: kept pixels become 1; values: they keep their value"),
});

/** Options with defaults filled. */
export type LargestComponentOptions = z.output<typeof largestComponentOptions>;

/** Keeps the largest foreground component of a map; returns a new map. */
export function largestComponentMap(map: Map2D, options: LargestComponentOptions): Map2D {
  const mask = Uint8Array.from(map.data, (v) => v >= options.threshold ? 1 : 0);
  const { labels, sizes } = labelComponents(mask, map.height, map.width, options.connectivity);
  const largest = sizes.reduce((best, size, label) => size > sizes[best] ? label : best, 0);
  const keep = options.output === "values";
  const data = map.data.map((v, i) => largest > 0 && labels[i] === largest ? (keep ? v : 1) : 0);
  return { data, height: map.height, width: map.width };
}

/** The `largest-component` postprocess plugin. */
export const largestComponentPlugin = definePlugin({
  kind: "postprocess",
  name: "largest-component",
  description: "keeps the largest connected region above a threshold",
  version: "1",
  options: largestComponentOptions,
  create: (options) => ({ apply: (map: Map2D) => largestComponentMap(map, options) }),
});
