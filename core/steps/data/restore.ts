/**
 * Predictions back at native resolution for evaluation: each prepared-size label map is
 * mapped back through the resize and the crop (`restoreLabelMap`, nearest neighbour;
 * outside the crop is background), so it is scored against the slice's own labels — a crop
 * that cuts the heart off is then penalised, as it should be. Preprocessing records what
 * this needs per slice (`SliceSource`: source size, crop box, spacing).
 *
 * @module
 */
import { restoreLabelMap } from "../../apply/native_maps.ts";
import type { NativeSlice } from "../../metrics/volume_evaluation.ts";
import type { SliceMeta } from "./prepared.ts";

export { restoreLabelMap };

/**
 * Native-resolution slices for volume evaluation: `predicted` holds one `size`×`size` map
 * per entry of `meta` (same order); `truthOf(i)` gives slice `i`'s native labels.
 */
export function nativeSlices(
  meta: readonly SliceMeta[],
  predicted: Uint8Array,
  size: number,
  truthOf: (index: number) => Uint8Array,
): NativeSlice[] {
  const pixels = size * size;
  return meta.map((m, i) => {
    const source = m.source ?? { height: size, width: size };
    const truth = truthOf(i);
    if (truth.length !== source.height * source.width) {
      throw new RangeError(
        `${m.patientId} ${m.phase} slice ${m.sliceIndex}: ${truth.length} native labels, ` +
          `expected ${source.height}×${source.width}`,
      );
    }
    return {
      patientId: m.patientId,
      phase: m.phase,
      sliceIndex: m.sliceIndex,
      height: source.height,
      width: source.width,
      truth,
      predicted: restoreLabelMap(predicted.subarray(i * pixels, (i + 1) * pixels), size, source),
      ...(source.spacing ? { spacing: source.spacing } : {}),
    };
  });
}
