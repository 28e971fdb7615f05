/**
 * Figure 3: example test slices as a PNG grid, one row per slice with the columns slice,
 * baseline prediction, proposed prediction, prior, ground truth. Labels are drawn in colour
 * over the grayscale slice (RV red, MYO green, LV blue).
 *
 * @module
 */
import { encode } from "fast-png";

/** One example row. All arrays are `size`×`size`, row-major. */
export interface OverlayExample {
  readonly image: Float32Array;
  readonly baseline: Uint8Array;
  readonly proposed: Uint8Array;
  readonly prior: Float32Array;
  readonly truth: Uint8Array;
}

/** Column titles, in order. */
export const FIGURE3_COLUMNS = ["slice", "baseline", "proposed", "prior", "ground truth"];

const LABEL_COLOURS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [230, 60, 60],
  [60, 200, 90],
  [70, 120, 240],
];

type Rgb = [number, number, number];

function grey(value: number): Rgb {
  const v = Math.round(255 * Math.min(Math.max(value, 0), 1));
  return [v, v, v];
}

function overlay(value: number, label: number): Rgb {
  const base = grey(value);
  if (label === 0) return base;
  const colour = LABEL_COLOURS[label] ?? [255, 255, 0];
  return base.map((b, i) => Math.round(0.45 * b + 0.55 * colour[i])) as Rgb;
}

/** A "hot" colour map for priors in [0, 1]. */
function heat(value: number): Rgb {
  const v = Math.min(Math.max(value, 0), 1);
  return [
    Math.round(255 * Math.min(1, 3 * v)),
    Math.round(255 * Math.min(1, Math.max(0, 3 * v - 1))),
    Math.round(255 * Math.max(0, 3 * v - 2)),
  ];
}

function tilePixel(example: OverlayExample, column: number, i: number): Rgb {
  const value = example.image[i];
  switch (column) {
    case 0:
      return grey(value);
    case 1:
      return overlay(value, example.baseline[i]);
    case 2:
      return overlay(value, example.proposed[i]);
    case 3:
      return heat(example.prior[i]);
    default:
      return overlay(value, example.truth[i]);
  }
}

/** Renders the examples as an RGB PNG; each tile is scaled up to at least 128 pixels. */
export function figure3Png(examples: readonly OverlayExample[], size: number): Uint8Array {
  const scale = Math.max(1, Math.ceil(128 / size));
  const tile = size * scale, gap = 4;
  const width = FIGURE3_COLUMNS.length * (tile + gap) - gap;
  const height = Math.max(1, examples.length * (tile + gap) - gap);
  const data = new Uint8Array(width * height * 3).fill(255);
  examples.forEach((example, row) => {
    FIGURE3_COLUMNS.forEach((_, column) => {
      for (let y = 0; y < tile; y++) {
        for (let x = 0; x < tile; x++) {
          const rgb = tilePixel(
            example,
            column,
            Math.floor(y / scale) * size + Math.floor(x / scale),
          );
          const offset = ((row * (tile + gap) + y) * width + column * (tile + gap) + x) * 3;
          data.set(rgb, offset);
        }
      }
    });
  });
  return encode({ width, height, data, channels: 3, depth: 8 });
}

/** Indices of up to `count` slices with the largest heart area (labels > 0). */
export function pickExamples(labels: Uint8Array, size: number, count: number): number[] {
  const pixels = size * size;
  const areas = Array.from({ length: labels.length / pixels }, (_, i) => {
    let area = 0;
    for (let p = i * pixels; p < (i + 1) * pixels; p++) if (labels[p] > 0) area++;
    return { i, area };
  });
  return areas.filter((a) => a.area > 0).sort((a, b) => b.area - a.area || a.i - b.i)
    .slice(0, count).map((a) => a.i).sort((a, b) => a - b);
}
