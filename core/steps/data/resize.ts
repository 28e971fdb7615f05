/**
 * Resampling of row-major 2-D arrays: bilinear for images, nearest for label maps.
 * Pixel centres are aligned (half-pixel convention, as OpenCV and Pillow do).
 *
 * @module
 */

function sourceCoordinate(target: number, scale: number, limit: number): number {
  return Math.min(Math.max((target + 0.5) * scale - 0.5, 0), limit - 1);
}

/** Bilinear resize of a `height`×`width` image to `outHeight`×`outWidth`. */
export function resizeBilinear(
  src: Float32Array,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  const out = new Float32Array(outHeight * outWidth);
  const sy = height / outHeight, sx = width / outWidth;
  for (let y = 0; y < outHeight; y++) {
    const fy = sourceCoordinate(y, sy, height);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, height - 1), wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = sourceCoordinate(x, sx, width);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, width - 1), wx = fx - x0;
      const top = src[y0 * width + x0] * (1 - wx) + src[y0 * width + x1] * wx;
      const bottom = src[y1 * width + x0] * (1 - wx) + src[y1 * width + x1] * wx;
      out[y * outWidth + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Nearest-neighbour resize, for label maps (never invents label values). */
export function resizeNearest(
  src: Uint8Array,
  height: number,
  width: number,
  outHeight: number,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(Math.floor((y + 0.5) * height / outHeight), height - 1);
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.min(Math.floor((x + 0.5) * width / outWidth), width - 1);
      out[y * outWidth + x] = src[sy * width + sx];
    }
  }
  return out;
}
