/**
 * Selecting the slices of a set of patients, together with their prior maps.
 *
 * @module
 */
import { type PreparedSlices, selectSlices } from "./prepared.ts";
import type { PriorMaps } from "./inputs.ts";

/** The slices of `patients` and the matching rows of every prior map. */
export interface SliceSubset {
  readonly slices: PreparedSlices;
  readonly priors: PriorMaps;
}

/** Slices (and priors) of the given patients, in the stack's order. */
export function patientSubset(
  prepared: PreparedSlices,
  priors: PriorMaps,
  patients: Iterable<string>,
): SliceSubset {
  const wanted = new Set(patients);
  const indices = prepared.meta.flatMap((meta, i) => wanted.has(meta.patientId) ? [i] : []);
  const pixels = prepared.size * prepared.size;
  const picked = new Map<string, Float32Array>();
  for (const [name, maps] of priors) {
    const out = new Float32Array(indices.length * pixels);
    indices.forEach((from, to) =>
      out.set(maps.subarray(from * pixels, (from + 1) * pixels), to * pixels)
    );
    picked.set(name, out);
  }
  const keep = new Set(indices);
  return { slices: selectSlices(prepared, (_meta, i) => keep.has(i)), priors: picked };
}
