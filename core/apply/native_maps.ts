/**
 * Maps at the prepared size back on the source slice, undoing the resize and the crop:
 * nearest neighbour for label maps, bilinear for saliency maps; outside the crop is 0.
 *
 * @module
 */
import { cropPadded } from "../steps/data/heart_crop.ts";
import type { SliceSource } from "../steps/data/prepared.ts";
import { resizeBilinear, resizeNearest } from "../steps/data/resize.ts";

function placeInSource<T extends Float32Array | Uint8Array>(inBox: T, source: SliceSource): T {
  const { height, width, crop } = source;
  if (!crop) return inBox;
  // Cropping the box by the inverse box puts the box back in place (zeros elsewhere).
  const inverse = { top: -crop.top, left: -crop.left, side: Math.max(height, width) };
  const padded = cropPadded(inBox, crop.side, crop.side, inverse);
  const out = new (inBox.constructor as { new (n: number): T })(height * width);
  for (let y = 0; y < height; y++) {
    out.set(padded.subarray(y * inverse.side, y * inverse.side + width), y * width);
  }
  return out;
}

function boxSize(source: SliceSource): [number, number] {
  return source.crop ? [source.crop.side, source.crop.side] : [source.height, source.width];
}

/** A `size`×`size` label map at the source slice's size (nearest neighbour). */
export function restoreLabelMap(map: Uint8Array, size: number, source: SliceSource): Uint8Array {
  return placeInSource(resizeNearest(map, size, size, ...boxSize(source)), source);
}

/** A `size`×`size` map of values at the source slice's size (bilinear). */
export function restoreValueMap(
  map: Float32Array,
  size: number,
  source: SliceSource,
): Float32Array {
  return placeInSource(resizeBilinear(map, size, size, ...boxSize(source)), source);
}
