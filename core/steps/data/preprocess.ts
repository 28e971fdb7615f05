/**
 * Preprocessing of a cohort's slices into one square size: intensity normalisation
 * (percentile clip, then scaling to [0, 1]), an optional crop that zooms in on the heart
 * without looking at labels (see `heart_crop.ts`), optionally to a common pixel spacing,
 * then resizing (bilinear for images, nearest for labels).
 *
 * @module
 */
import type { Slice } from "../../plugin/cohort.ts";
import { CampriorError } from "../../util/errors.ts";
import { boxAround, type CropBox, cropPadded, locateHeart } from "./heart_crop.ts";
import { metaOf, type PreparedSlices } from "./prepared.ts";
import { resizeBilinear, resizeNearest } from "./resize.ts";
import type { InvalidSlices } from "./slice_guards.ts";

/** How to choose the region of each slice that is resized. */
export type CropMode = "none" | "center" | "heart";

/** Preprocessing settings from the experiment file; omitted fields take the defaults. */
export interface PreprocessSettings {
  /** Output side length in pixels. */
  readonly size: number;
  /** `none`: the whole slice; `center`: a square at the centre; `heart`: around the heart. */
  readonly crop?: CropMode;
  /** Crop side as a fraction of the slice's shorter side (when no `spacing` applies). */
  readonly cropFraction?: number;
  /**
   * Output pixel spacing in mm: the crop side becomes `size * spacing` mm, so every slice
   * with known spacing ends at this spacing. Slices without spacing use `cropFraction`.
   */
  readonly spacing?: number;
  /** Lower and upper intensity percentiles to clip to before scaling to [0, 1]. */
  readonly clip?: readonly [number, number];
  /** A slice that fails the data checks: `fail` the data step (default) or `drop` it. */
  readonly invalidSlices?: InvalidSlices;
}

/** Settings with every default filled. */
export type ResolvedPreprocess = Required<Omit<PreprocessSettings, "spacing">> & {
  readonly spacing?: number;
};

/** Defaults of the optional settings. */
export const PREPROCESS_DEFAULTS = {
  crop: "none",
  cropFraction: 0.65,
  clip: [1, 99],
  invalidSlices: "fail",
} as const satisfies Partial<PreprocessSettings>;

/** Fills defaults and checks ranges. */
export function resolvePreprocess(settings: PreprocessSettings): ResolvedPreprocess {
  const resolved = {
    ...PREPROCESS_DEFAULTS,
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
  } as ResolvedPreprocess;
  const [low, high] = resolved.clip;
  if (!(low >= 0 && low < high && high <= 100)) {
    throw new CampriorError(
      `preprocess.clip: expected 0 <= low < high <= 100, got [${low}, ${high}]`,
    );
  }
  return resolved;
}

/** Clips to the `low`–`high` percentiles (default 1st–99th) and scales to [0, 1]. */
export function normalizeIntensities(
  image: Float32Array,
  clip: readonly [number, number] = PREPROCESS_DEFAULTS.clip,
): Float32Array {
  const copy = Float32Array.from(image);
  const last = image.length - 1;
  const low = selectKth(copy, Math.floor((clip[0] / 100) * last));
  const high = selectKth(copy, Math.ceil((clip[1] / 100) * last));
  const range = high - low || 1;
  return image.map((v) => Math.min(Math.max((v - low) / range, 0), 1));
}

/**
 * The `k`-th smallest value (0-based), by quickselect: linear time on average, unlike a
 * full sort. Reorders `values`.
 */
function selectKth(values: Float32Array, k: number): number {
  let left = 0, right = values.length - 1;
  while (right > left) {
    const pivot = median3(values[left], values[(left + right) >> 1], values[right]);
    let i = left, j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        [values[i], values[j]] = [values[j], values[i]];
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k];
  }
  return values[k];
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Crop boxes of every slice (undefined when `crop` is `none`), one box per patient. */
export function cropBoxes(
  slices: readonly Slice[],
  normalised: readonly Float32Array[],
  settings: ResolvedPreprocess,
): (CropBox | undefined)[] {
  if (settings.crop === "none") return slices.map(() => undefined);
  const groups = new Map<string, number[]>();
  slices.forEach((s, i) => {
    const key = `${s.patientId}\u0000${s.height}x${s.width}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const boxes: CropBox[] = [];
  for (const indices of groups.values()) {
    const first = slices[indices[0]];
    const center: [number, number] = settings.crop === "heart"
      ? locateHeart(indices.map((i) => ({ ...slices[i], image: normalised[i] })))
      : [(first.height - 1) / 2, (first.width - 1) / 2];
    for (const i of indices) boxes[i] = boxAround(center, cropSide(slices[i], settings));
  }
  return boxes;
}

function cropSide(slice: Slice, settings: ResolvedPreprocess): number {
  if (settings.spacing !== undefined && slice.spacing) {
    const mm = (slice.spacing[0] + slice.spacing[1]) / 2;
    return Math.max(1, Math.round((settings.size * settings.spacing) / mm));
  }
  return Math.max(1, Math.round(settings.cropFraction * Math.min(slice.height, slice.width)));
}

/** Normalises, crops and resizes every slice, stacking them. */
export function preprocessSlices(
  slices: readonly Slice[],
  settings: PreprocessSettings,
): PreparedSlices {
  const resolved = resolvePreprocess(settings);
  const { size } = resolved;
  const pixels = size * size;
  const images = new Float32Array(slices.length * pixels);
  const labels = new Uint8Array(slices.length * pixels);
  const normalised = slices.map((s) => normalizeIntensities(s.image, resolved.clip));
  const boxes = cropBoxes(slices, normalised, resolved);
  const meta = slices.map((slice, i) => {
    const box = boxes[i];
    const { height, width } = slice;
    const image = box ? cropPadded(normalised[i], height, width, box) : normalised[i];
    const label = box ? cropPadded(slice.label, height, width, box) : slice.label;
    const [h, w] = box ? [box.side, box.side] : [height, width];
    images.set(resizeBilinear(image, h, w, size, size), i * pixels);
    labels.set(resizeNearest(label, h, w, size, size), i * pixels);
    const spacing = slice.spacing && slice.sliceSpacing
      ? { spacing: [slice.sliceSpacing, slice.spacing[0], slice.spacing[1]] as const }
      : {};
    return {
      ...metaOf(slice),
      source: { height, width, ...(box ? { crop: box } : {}), ...spacing },
    };
  });
  return { size, count: slices.length, images, labels, meta };
}
