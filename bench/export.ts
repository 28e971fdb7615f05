/**
 * Writing predicted label maps as NIfTI in the source geometry: each prepared-size map is
 * mapped back through the resize and crop (nearest neighbour), stacked by slice index and
 * written with the source volume's spacing, qform and sform, so ITK-SNAP or 3D Slicer
 * overlay it on the original image.
 *
 * @module
 */
import { CampriorError } from "../core/util/errors.ts";
import { restoreLabelMap } from "../core/apply/native_maps.ts";
import { NIFTI_TYPES, type NiftiGeometry, readNifti, writeNifti } from "../core/io/nifti.ts";
import type { SliceMeta, SliceSource } from "../core/steps/data/prepared.ts";

export { restoreLabelMap };

/** A predicted label map at the prepared size, with the metadata of its slice. */
export interface PredictedSlice {
  readonly meta: SliceMeta;
  /** `size * size` label values. */
  readonly map: Uint8Array;
}

/** The volume a prediction is written into: its geometry and number of slices. */
export interface ExportReference {
  readonly geometry: NiftiGeometry;
  readonly depth: number;
}

/** Reads the geometry and depth of the source image a prediction belongs to. */
export async function referenceOf(sourceImage: string): Promise<ExportReference> {
  const volume = await readNifti(sourceImage);
  return { geometry: volume.geometry, depth: volume.dims[2] };
}

/**
 * Writes one volume's predictions (one patient and phase) as a uint8 NIfTI label volume;
 * slices without a prediction stay 0.
 */
export async function exportLabelNifti(
  path: string,
  slices: readonly PredictedSlice[],
  size: number,
  reference: ExportReference,
): Promise<void> {
  const source = checkOneVolume(slices, path);
  const { height, width } = source;
  const volume = new Uint8Array(width * height * reference.depth);
  for (const { meta, map } of slices) {
    if (meta.sliceIndex < 0 || meta.sliceIndex >= reference.depth) {
      throw new CampriorError(
        `${path}: slice ${meta.sliceIndex} is outside the reference's ${reference.depth} slices`,
      );
    }
    const restored = restoreLabelMap(map, size, meta.source!);
    volume.set(restored, meta.sliceIndex * width * height);
  }
  await writeNifti(path, {
    dims: [width, height, reference.depth],
    data: volume,
    geometry: reference.geometry,
    datatype: NIFTI_TYPES.uint8,
    description: "camprior predicted labels",
  });
}

function checkOneVolume(slices: readonly PredictedSlice[], path: string): SliceSource {
  if (slices.length === 0) throw new CampriorError(`${path}: no predicted slices to export`);
  const first = slices[0].meta;
  for (const { meta } of slices) {
    if (!meta.source) {
      throw new CampriorError(`${path}: slice metadata lacks its source size (not prepared?)`);
    }
    const same = meta.patientId === first.patientId && meta.phase === first.phase &&
      meta.source.height === first.source!.height && meta.source.width === first.source!.width;
    if (!same) {
      throw new CampriorError(
        `${path}: predictions mix volumes (${first.patientId} ${first.phase} and ` +
          `${meta.patientId} ${meta.phase}); export one patient and phase per file`,
      );
    }
  }
  return first.source!;
}
