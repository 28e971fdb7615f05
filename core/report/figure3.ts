/**
 * Figure 3: example test slices, one row per slice with the columns slice, baseline
 * prediction, proposed prediction, prior (over the slice), ground truth. Labels are drawn in
 * colour over the grayscale slice (RV red, MYO green, LV blue). As one PNG grid
 * (`figure3.png`) and as an HTML table with column headers, a colour key and each
 * prediction's per-slice foreground Dice.
 *
 * @module
 */
import { encode } from "fast-png";
import { Buffer } from "node:buffer";
import { segmentationMetricsOf } from "../metrics/segmentation.ts";
import { escapeHtml } from "./table1.ts";

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
    case 3: {
      const g = grey(value), h = heat(example.prior[i]), a = 0.6 * Math.min(1, example.prior[i]);
      return g.map((v, k) => Math.round((1 - a) * v + a * h[k])) as Rgb;
    }
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

/** One tile as a PNG, scaled up to at least 128 pixels. */
export function tilePng(example: OverlayExample, column: number, size: number): Uint8Array {
  const scale = Math.max(1, Math.ceil(128 / size));
  const tile = size * scale;
  const data = new Uint8Array(tile * tile * 3);
  for (let y = 0; y < tile; y++) {
    for (let x = 0; x < tile; x++) {
      const rgb = tilePixel(example, column, Math.floor(y / scale) * size + Math.floor(x / scale));
      data.set(rgb, (y * tile + x) * 3);
    }
  }
  return encode({ width: tile, height: tile, data, channels: 3, depth: 8 });
}

/** Foreground Dice of one slice's prediction (structures absent from both left out). */
export function sliceDice(truth: Uint8Array, predicted: Uint8Array): number {
  return segmentationMetricsOf(truth, predicted, LABEL_COLOURS.length, { zeroDivision: NaN })
    .foregroundMeanDice;
}

const KEY = [["RV", 1], ["MYO", 2], ["LV", 3]] as const;

/** Figure 3 as an HTML table with headers, a colour key and per-slice Dice. */
export function figure3Html(
  examples: readonly OverlayExample[],
  size: number,
  names: { readonly baseline: string; readonly proposed: string },
): string {
  const img = (e: OverlayExample, c: number) =>
    `<img alt="${FIGURE3_COLUMNS[c]}" src="data:image/png;base64,${
      Buffer.from(tilePng(e, c, size)).toString("base64")
    }">`;
  const dice = (v: number) => Number.isFinite(v) ? `fg Dice ${v.toFixed(2)}` : "fg Dice –";
  const titles = [
    "slice",
    `baseline: ${escapeHtml(names.baseline)}`,
    `proposed: ${escapeHtml(names.proposed)}`,
    "prior over slice",
    "ground truth",
  ];
  const rows = examples.map((e) => {
    const notes = [
      "",
      dice(sliceDice(e.truth, e.baseline)),
      dice(sliceDice(e.truth, e.proposed)),
      "",
      "",
    ];
    return `<tr>${titles.map((_, c) => `<td>${img(e, c)}<br>${notes[c]}</td>`).join("")}</tr>`;
  }).join("\n");
  const key = KEY.map(([name, label]) =>
    `<span class="swatch" style="background:rgb(${LABEL_COLOURS[label].join(",")})"></span>${name}`
  ).join(" ");
  return `<p class="key">Colour key: ${key}; prior: dark (0) to white (1) over the slice.</p>
<table class="figure3"><thead><tr>${titles.map((t) => `<th>${t}</th>`).join("")}</tr></thead>
<tbody>${rows}</tbody></table>`;
}
