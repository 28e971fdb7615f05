/**
 * Finding the heart without labels, to zoom in on it. Per patient, the heart is where the
 * image changes between end-diastole and end-systole (the ventricles contract; the chest
 * does not), and where the bright blood pools are; a wide prior towards the image centre
 * (where cardiac MRI is planned) breaks ties. One square box per patient, so every slice and
 * both phases share it.
 *
 * @module
 */

/** A square region of a source slice, in pixels; it may reach outside the image. */
export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly side: number;
}

/** One slice as the locator sees it: normalised intensities in [0, 1]. */
export interface LocatorSlice {
  readonly image: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly phase: "ED" | "ES";
  readonly sliceIndex: number;
}

/** Fraction of the pixels, by score, whose centroid is the heart centre. */
const TOP_FRACTION = 0.03;

/**
 * The heart centre `[row, column]` of one patient's slices (all of one height and width):
 * the score-weighted centroid of the highest-scoring pixels of the smoothed ED–ES difference
 * (or, with one phase only, of the smoothed brightness), times a centre prior.
 */
export function locateHeart(slices: readonly LocatorSlice[]): [number, number] {
  const { height, width } = slices[0];
  const motion = motionMap(slices);
  const evidence = motion ?? meanMap(slices);
  const radius = Math.max(1, Math.round(0.03 * Math.min(height, width)));
  const score = boxBlur(evidence, height, width, radius);
  const sigma = 0.3 * Math.min(height, width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dy = y - (height - 1) / 2, dx = x - (width - 1) / 2;
      score[y * width + x] *= Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  }
  return topCentroid(score, width);
}

/** Sum over slice positions of |ED − ES|, or undefined when no position has both phases. */
function motionMap(slices: readonly LocatorSlice[]): Float32Array | undefined {
  const ed = new Map<number, Float32Array>();
  for (const s of slices) if (s.phase === "ED") ed.set(s.sliceIndex, s.image);
  const out = new Float32Array(slices[0].image.length);
  let pairs = 0;
  for (const s of slices) {
    const other = s.phase === "ES" ? ed.get(s.sliceIndex) : undefined;
    if (!other) continue;
    pairs++;
    for (let i = 0; i < out.length; i++) out[i] += Math.abs(s.image[i] - other[i]);
  }
  return pairs > 0 ? out : undefined;
}

function meanMap(slices: readonly LocatorSlice[]): Float32Array {
  const out = new Float32Array(slices[0].image.length);
  for (const s of slices) for (let i = 0; i < out.length; i++) out[i] += s.image[i] ** 2;
  return out;
}

/** Mean over a `(2r+1)²` box (edges use the part inside): a row pass, then a column pass. */
export function boxBlur(src: Float32Array, height: number, width: number, r: number): Float32Array {
  const rows = new Float32Array(src.length), out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) blurLine(src, rows, y * width, 1, width, r);
  for (let x = 0; x < width; x++) blurLine(rows, out, x, width, height, r);
  return out;
}

/** Running mean of radius `r` along one line of `length` values `stride` apart. */
function blurLine(
  input: Float32Array,
  out: Float32Array,
  start: number,
  stride: number,
  length: number,
  r: number,
): void {
  let sum = 0, count = 0;
  for (let i = 0; i <= Math.min(r, length - 1); i++) {
    sum += input[start + i * stride];
    count++;
  }
  for (let i = 0; i < length; i++) {
    out[start + i * stride] = sum / count;
    if (i + r + 1 < length) {
      sum += input[start + (i + r + 1) * stride];
      count++;
    }
    if (i - r >= 0) {
      sum -= input[start + (i - r) * stride];
      count--;
    }
  }
}

function topCentroid(score: Float32Array, width: number): [number, number] {
  const sorted = Float32Array.from(score).sort();
  const threshold = sorted[Math.floor((1 - TOP_FRACTION) * (sorted.length - 1))];
  let total = 0, sy = 0, sx = 0;
  for (let i = 0; i < score.length; i++) {
    const w = score[i] - threshold;
    if (w <= 0) continue;
    total += w;
    sy += w * Math.floor(i / width);
    sx += w * (i % width);
  }
  if (total === 0) return [(score.length / width - 1) / 2, (width - 1) / 2];
  return [sy / total, sx / total];
}

/** The square box of `side` pixels centred on `[row, column]`. */
export function boxAround(center: readonly [number, number], side: number): CropBox {
  return {
    top: Math.round(center[0] - side / 2),
    left: Math.round(center[1] - side / 2),
    side,
  };
}

/** The box's pixels; outside the image they are `fill`. */
export function cropPadded<T extends Float32Array | Uint8Array>(
  src: T,
  height: number,
  width: number,
  box: CropBox,
  fill = 0,
): T {
  const out = new (src.constructor as { new (n: number): T })(box.side * box.side);
  if (fill !== 0) out.fill(fill);
  for (let y = 0; y < box.side; y++) {
    const sy = box.top + y;
    if (sy < 0 || sy >= height) continue;
    const x0 = Math.max(0, -box.left), x1 = Math.min(box.side, width - box.left);
    if (x1 <= x0) continue;
    out.set(
      src.subarray(sy * width + box.left + x0, sy * width + box.left + x1),
      y * box.side + x0,
    );
  }
  return out;
}
