/**
 * The arithmetic of the benchmark: medians of timings, the floating-point operations of
 * convolutions and matrix products, and the rates derived from them.
 *
 * @module
 */

/** Median of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Output size of one spatial axis of a "same"-padded convolution. */
export function sameOutput(size: number, stride: number): number {
  return Math.ceil(size / stride);
}

/**
 * Multiply-adds × 2 of a "same"-padded conv2d of `x` (`[N, H, W, Ci]`) with a
 * `[fh, fw, Ci, Co]` filter: `2·N·Ho·Wo·fh·fw·Ci·Co`. Its input and filter gradients
 * take as many.
 */
export function convFlops(
  [n, h, w, ci]: readonly number[],
  [fh, fw, , co]: readonly number[],
  stride = 1,
): number {
  return 2 * n * sameOutput(h, stride) * sameOutput(w, stride) * fh * fw * ci * co;
}

/** `2·m·k·n` for an `[m, k] × [k, n]` matrix product. */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}

/** GFLOP/s of `flops` done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / ms / 1e6;
}

/** Images per second of `images` processed in `ms` milliseconds. */
export function imagesPerSecond(images: number, ms: number): number {
  return images / (ms / 1000);
}

/** A rate in GFLOP/s (2 significant digits below 1), shown as TFLOP/s from 1000 on. */
export function formatFlopRate(gigaflops: number): string {
  if (!Number.isFinite(gigaflops)) return "–";
  if (gigaflops >= 1000) return `${(gigaflops / 1000).toFixed(2)} TFLOP/s`;
  if (gigaflops < 1) return `${gigaflops.toPrecision(2)} GFLOP/s`;
  return `${gigaflops.toFixed(gigaflops >= 100 ? 0 : 2)} GFLOP/s`;
}

/** Milliseconds with 3 significant digits at most (whole numbers from 100 on). */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}
