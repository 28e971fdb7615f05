/**
 * Surface distances between two binary 3-D masks, with anisotropic voxel spacing, as MedPy
 * defines them (`medpy.metric.binary.hd95` / `assd`, connectivity 1):
 *
 * - a mask's surface is its voxels removed by one binary erosion with the 6-neighbour cross
 *   (`scipy.ndimage.binary_erosion`, outside the volume counting as background, so a mask
 *   touching the volume's edge has a surface there);
 * - the distances from A's surface voxels to B's surface are read from the exact Euclidean
 *   distance transform of B's surface (`scipy.ndimage.distance_transform_edt` with
 *   `sampling = spacing`), and the other way round;
 * - HD95 is the 95th percentile (numpy's linear interpolation) of both directions pooled;
 *   ASSD is the mean of the two directions' mean distances.
 *
 * MedPy raises when a mask is empty; here both empty gives 0 and exactly one empty gives
 * NaN, which callers report as undefined (see `volume_metrics.ts`).
 *
 * The distance transform is Felzenszwalb & Huttenlocher's separable lower envelope of
 * parabolas (exact; one pass per axis), run on the bounding box of both surfaces only.
 *
 * @module
 */

/** Volume shape `[depth, height, width]` (slices, rows, columns), row-major. */
export type Shape3 = readonly [number, number, number];

/** Voxel spacing `[slice, row, column]`, in mm or in voxels. */
export type Spacing3 = readonly [number, number, number];

/** Distances from each surface to the other, in the spacing's unit. */
export interface SurfaceDistances {
  /** From each surface voxel of A to B's surface. */
  readonly aToB: Float64Array;
  /** From each surface voxel of B to A's surface. */
  readonly bToA: Float64Array;
}

/** Indices of the voxels of `mask` with a 6-neighbour outside the mask or the volume. */
export function surfaceVoxels(mask: ArrayLike<number>, shape: Shape3): number[] {
  const [d, h, w] = shape;
  const out: number[] = [];
  const at = (z: number, y: number, x: number) =>
    z >= 0 && z < d && y >= 0 && y < h && x >= 0 && x < w && mask[(z * h + y) * w + x] !== 0;
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (mask[(z * h + y) * w + x] === 0) continue;
        const inner = at(z - 1, y, x) && at(z + 1, y, x) && at(z, y - 1, x) &&
          at(z, y + 1, x) && at(z, y, x - 1) && at(z, y, x + 1);
        if (!inner) out.push((z * h + y) * w + x);
      }
    }
  }
  return out;
}

/**
 * Squared distance transform along one line in place: `f[i] = min_j (w(i−j))² + f[j]`
 * over the `n` values `stride` apart from `start` (infinite values are not sites).
 */
function envelope1d(
  f: Float64Array,
  start: number,
  stride: number,
  n: number,
  w: number,
  v: Int32Array,
  z: Float64Array,
  line: Float64Array,
): void {
  const w2 = w * w;
  for (let i = 0; i < n; i++) line[i] = f[start + i * stride];
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (line[q] === Infinity) continue;
    while (k >= 0) {
      const p = v[k];
      const s = (line[q] + w2 * q * q - line[p] - w2 * p * p) / (2 * w2 * (q - p));
      if (s <= z[k]) k--;
      else {
        k++;
        v[k] = q;
        z[k] = s;
        break;
      }
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
    }
  }
  if (k < 0) return; // no site on this line: stays infinite
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < k && z[j + 1] < i) j++;
    const dq = i - v[j];
    f[start + i * stride] = w2 * dq * dq + line[v[j]];
  }
}

/** Squared Euclidean distance of every voxel to the nearest site (`sites[i]` true). */
export function squaredDistanceTransform(
  sites: ArrayLike<boolean | number>,
  shape: Shape3,
  spacing: Spacing3,
): Float64Array {
  const [d, h, w] = shape;
  const f = new Float64Array(d * h * w);
  for (let i = 0; i < f.length; i++) f[i] = sites[i] ? 0 : Infinity;
  const longest = Math.max(d, h, w);
  const v = new Int32Array(longest), z = new Float64Array(longest + 1);
  const line = new Float64Array(longest);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < h; b++) envelope1d(f, (a * h + b) * w, 1, w, spacing[2], v, z, line);
  }
  for (let a = 0; a < d; a++) {
    for (let c = 0; c < w; c++) envelope1d(f, a * h * w + c, w, h, spacing[1], v, z, line);
  }
  for (let b = 0; b < h; b++) {
    for (let c = 0; c < w; c++) envelope1d(f, b * w + c, h * w, d, spacing[0], v, z, line);
  }
  return f;
}

/** Bounding box `[lo, hi)` per axis of the given voxel indices. */
function boundingBox(indices: readonly number[], shape: Shape3): [number[], number[]] {
  const [, h, w] = shape;
  const lo = [Infinity, Infinity, Infinity], hi = [-1, -1, -1];
  for (const i of indices) {
    const c = [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], c[a]);
      hi[a] = Math.max(hi[a], c[a] + 1);
    }
  }
  return [lo, hi];
}

/** Distances from `from` voxels to the nearest `to` voxel, within `box`. */
function distancesWithin(
  from: readonly number[],
  to: readonly number[],
  shape: Shape3,
  spacing: Spacing3,
  [lo, hi]: [number[], number[]],
): Float64Array {
  const [, h, w] = shape;
  const box: Shape3 = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
  const local = (i: number) =>
    ((Math.floor(i / (h * w)) - lo[0]) * box[1] + (Math.floor(i / w) % h) - lo[1]) * box[2] +
    (i % w) - lo[2];
  const sites = new Uint8Array(box[0] * box[1] * box[2]);
  for (const i of to) sites[local(i)] = 1;
  const squared = squaredDistanceTransform(sites, box, spacing);
  return Float64Array.from(from, (i) => Math.sqrt(squared[local(i)]));
}

/** Surface distances both ways between masks `a` and `b` (non-zero = inside). */
export function surfaceDistances(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: Shape3,
  spacing: Spacing3,
): SurfaceDistances {
  const surfaceA = surfaceVoxels(a, shape), surfaceB = surfaceVoxels(b, shape);
  if (surfaceA.length === 0 || surfaceB.length === 0) {
    return { aToB: new Float64Array(), bToA: new Float64Array() };
  }
  const box = boundingBox([...surfaceA, ...surfaceB], shape);
  return {
    aToB: distancesWithin(surfaceA, surfaceB, shape, spacing, box),
    bToA: distancesWithin(surfaceB, surfaceA, shape, spacing, box),
  };
}

/** numpy's default (linear) percentile of `values`, `q` in [0, 100]. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const position = (q / 100) * (sorted.length - 1);
  const low = Math.floor(position), high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Whether a mask has no voxel inside. */
function isEmpty(mask: ArrayLike<number>): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return false;
  return true;
}

/** HD95 and ASSD of two masks; 0 when both are empty, NaN when exactly one is. */
export function hd95AndAssd(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: Shape3,
  spacing: Spacing3,
): { hd95: number; assd: number } {
  const emptyA = isEmpty(a), emptyB = isEmpty(b);
  if (emptyA && emptyB) return { hd95: 0, assd: 0 };
  if (emptyA || emptyB) return { hd95: NaN, assd: NaN };
  const { aToB, bToA } = surfaceDistances(a, b, shape, spacing);
  const pooled = new Float64Array(aToB.length + bToA.length);
  pooled.set(aToB);
  pooled.set(bToA, aToB.length);
  const meanOf = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
  return { hd95: percentile(pooled, 95), assd: (meanOf(aToB) + meanOf(bToA)) / 2 };
}
