/**
 * A saliency map over its slice as a PNG: the grayscale slice, and beside it the slice
 * with the map blended in a "hot" colour map (weight grows with the map's value).
 *
 * @module
 */
import { encode } from "fast-png";

type Rgb = readonly [number, number, number];

function grey(value: number): Rgb {
  const v = Math.round(255 * Math.min(Math.max(value, 0), 1));
  return [v, v, v];
}

/** Black → red → yellow → white for values in [0, 1]. */
export function hot(value: number): Rgb {
  const v = Math.min(Math.max(value, 0), 1);
  return [
    Math.round(255 * Math.min(1, 3 * v)),
    Math.round(255 * Math.min(1, Math.max(0, 3 * v - 1))),
    Math.round(255 * Math.max(0, 3 * v - 2)),
  ];
}

function blended(image: number, map: number): Rgb {
  const g = grey(image), h = hot(map), a = 0.6 * Math.min(Math.max(map, 0), 1);
  return [0, 1, 2].map((k) => Math.round((1 - a) * g[k] + a * h[k])) as unknown as Rgb;
}

/**
 * Two `size`×`size` tiles side by side (slice, slice with the map), scaled up to at least
 * 128 pixels each.
 */
export function overlayPng(image: Float32Array, map: Float32Array, size: number): Uint8Array {
  const scale = Math.max(1, Math.ceil(128 / size));
  const tile = size * scale, gap = 4, width = 2 * tile + gap;
  const data = new Uint8Array(width * tile * 3).fill(255);
  for (let y = 0; y < tile; y++) {
    for (let x = 0; x < tile; x++) {
      const i = Math.floor(y / scale) * size + Math.floor(x / scale);
      data.set(grey(image[i]), (y * width + x) * 3);
      data.set(blended(image[i], map[i]), (y * width + tile + gap + x) * 3);
    }
  }
  return encode({ width, height: tile, data, channels: 3, depth: 8 });
}
