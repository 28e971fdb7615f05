/**
 * NIfTI-1 reading and writing for dataset readers; the code lives in core (`core/io/`,
 * since `predict` and `explain` write NIfTI too) and reaches plugins through the kit.
 *
 * @module
 */
export {
  decodeNifti,
  encodeNifti,
  NIFTI_TYPES,
  type NiftiContent,
  type NiftiGeometry,
  type NiftiVolume,
  readNifti,
  simpleGeometry,
  writeNifti,
} from "../../../mod.ts";
