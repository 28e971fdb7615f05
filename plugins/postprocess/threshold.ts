/**
 * `threshold` postprocess plugin: a binary mask of the map, 1 where the value is at or
 * above a fixed threshold or one chosen by Otsu's method, else 0 (`output: "mask"`), or the
 * map's own values there (`output: "values"`).
 *
 * Otsu's method here works on the 256 8-bit levels `round(v · 255)` of the map (values are
 * in [0, 1]) and picks the split that maximises the between-class variance; on a plateau of
 * equal variances the middle of the plateau is taken, so a gap between two clusters is cut
 * in its middle. A constant map has no split and gives an all-zero mask.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Map2D } from "../../mod.ts";

const LEVELS = 256;

/** The 8-bit level of a value in [0, 1] (clamped). */
function level(v: number): number {
  return Math.min(LEVELS - 1, Math.max(0, Math.round(v * (LEVELS - 1))));
}

/** Pixel counts per 8-bit level. */
function histogram(data: Float32Array): Float64Array {
  const counts = new Float64Array(LEVELS);
  for (const v of data) counts[level(v)]++;
  return counts;
}

/**
 * Otsu's threshold of a map in [0, 1]: foreground is every value whose 8-bit level is at
 * least the returned level's. Returns `Infinity` (no foreground) when the map has one level.
 */
export function otsuLevel(data: Float32Array): number {
  const counts = histogram(data);
  const total = data.length;
  const totalSum = counts.reduce((sum, c, l) => sum + c * l, 0);
  let below = 0;
  let belowSum = 0;
  let best = 0;
  let first = -1;
  let last = -1;
  for (let split = 1; split < LEVELS; split++) {
    below += counts[split - 1];
    belowSum += counts[split - 1] * (split - 1);
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const difference = belowSum / below - (totalSum - belowSum) / above;
    const variance = below * above * difference * difference;
    if (variance > best * (1 + 1e-12)) [best, first, last] = [variance, split, split];
    else if (variance >= best * (1 - 1e-12) && last === split - 1) last = split;
  }
  return first < 0 ? Infinity : Math.floor((first + last) / 2);
}

/** Options of the `threshold` plugin. */
export const thresholdOptions = z.strictObject({
  method: z.enum(["fixed", "otsu"]).default("fixed")
    .describe("fixed: value is the threshold; otsu: chosen per map"),
  value: z.number().min(0).max(1).default(0.5)
    .describe("fixed threshold: values at or above it are foreground"),
  output: z.enum(["mask", "values"]).default("mask")
    .describe("mask: 1 for foreground, 0 else; values: the map's value for foreground, 0 else"),
});

/** Options with defaults filled. */
export type ThresholdOptions = z.output<typeof thresholdOptions>;

/** Whether each pixel of `map` is foreground under `options`. */
function foreground(map: Map2D, options: ThresholdOptions): (v: number) => boolean {
  if (options.method === "fixed") return (v) => v >= options.value;
  const cut = otsuLevel(map.data);
  return (v) => level(v) >= cut;
}

/** Thresholds a map; returns a new map. */
export function thresholdMap(map: Map2D, options: ThresholdOptions): Map2D {
  const isForeground = foreground(map, options);
  const keep = options.output === "values";
  const data = map.data.map((v) => isForeground(v) ? (keep ? v : 1) : 0);
  return { data, height: map.height, width: map.width };
}

/** The `threshold` postprocess plugin. */
export const thresholdPlugin = definePlugin({
  kind: "postprocess",
  name: "threshold",
  description: "binary mask at a fixed threshold or Otsu's, or the values above it",
  version: "1",
  options: thresholdOptions,
  create: (options) => ({ apply: (map: Map2D) => thresholdMap(map, options) }),
});
