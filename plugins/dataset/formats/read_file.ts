/**
 * Whole-file reads with errors that name the file, for dataset readers; the code lives in
 * core (`core/io/`, which reads NIfTI inputs of `predict` and `explain` too) and reaches
 * plugins through the kit.
 *
 * @module
 */
export { exists, fileError, readBytes, readText, requireDataRoot } from "../../../mod.ts";
