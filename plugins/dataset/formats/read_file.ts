/**
 * Whole-file reads with errors that name the file, for dataset readers; the code lives in
 * core (`core/io/`), which reads NIfTI inputs of `predict` and `explain` too.
 *
 * @module
 */
export * from "../../../core/io/read_file.ts";
