/**
 * Data reading, preprocessing, splitting and export: one import for plugins and tools.
 *
 * @module
 */
export * from "./acdc_layout.ts";
export * from "./cohort_summary.ts";
export * from "./export.ts";
export * from "./hdf5.ts";
export * from "./heart_crop.ts";
export * from "./info_cfg.ts";
export * from "./list_files.ts";
export * from "./nifti.ts";
export * from "./prepared.ts";
export * from "./prepared_cache.ts";
export * from "./preprocess.ts";
export * from "./read_file.ts";
export * from "./resize.ts";
export * from "./split.ts";
export * from "./synthetic_anatomy.ts";
export * from "./synthetic_cohort.ts";
export * from "./synthetic_render.ts";
