/**
 * NIfTI-1 reading and writing for dataset readers; the code lives in core (`core/io/`),
 * since `predict` and `explain` write NIfTI too.
 *
 * @module
 */
export * from "../../../core/io/nifti.ts";
