/**
 * Slices resampled to one square size and stacked, ready to become tensors.
 *
 * @module
 */
import type { Diagnosis, Phase, Slice } from "../../plugin/cohort.ts";
import type { CropBox } from "./heart_crop.ts";

/** Where a prepared slice came from: the source size and the cropped region, if any. */
export interface SliceSource {
  readonly height: number;
  readonly width: number;
  /** The square region that was resized; absent when the whole slice was. */
  readonly crop?: CropBox;
  /**
   * Voxel spacing `[slice, row, column]` in mm, when the data gives in-plane spacing and
   * the distance between slices; per-volume distances are in voxels ("px") otherwise.
   */
  readonly spacing?: readonly [number, number, number];
}

/** What is known of a prepared slice besides its pixels. */
export interface SliceMeta {
  readonly patientId: string;
  readonly group: Diagnosis;
  readonly phase: Phase;
  readonly sliceIndex: number;
  /** Source geometry, so predictions can be mapped back (see `export.ts`). */
  readonly source?: SliceSource;
}

/** `count` slices of `size`×`size` pixels, stacked row-major. */
export interface PreparedSlices {
  readonly size: number;
  readonly count: number;
  /** `count * size * size` intensities in [0, 1]. */
  readonly images: Float32Array;
  /** `count * size * size` label values. */
  readonly labels: Uint8Array;
  readonly meta: readonly SliceMeta[];
}

/** The slices whose index passes `keep`, as a new stack. */
export function selectSlices(
  prepared: PreparedSlices,
  keep: (meta: SliceMeta, index: number) => boolean,
): PreparedSlices {
  const indices = prepared.meta.flatMap((meta, i) => keep(meta, i) ? [i] : []);
  const pixels = prepared.size * prepared.size;
  const images = new Float32Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length * pixels);
  indices.forEach((from, to) => {
    images.set(prepared.images.subarray(from * pixels, (from + 1) * pixels), to * pixels);
    labels.set(prepared.labels.subarray(from * pixels, (from + 1) * pixels), to * pixels);
  });
  return {
    size: prepared.size,
    count: indices.length,
    images,
    labels,
    meta: indices.map((i) => prepared.meta[i]),
  };
}

/** Metadata of a slice. */
export function metaOf(slice: Slice): SliceMeta {
  return {
    patientId: slice.patientId,
    group: slice.group,
    phase: slice.phase,
    sliceIndex: slice.sliceIndex,
  };
}
