/**
 * The built-in dataset plugins other than `tiny`: real ACDC in both layouts and the
 * synthetic ACDC-like cohort.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { acdcDatasetPlugin } from "./dataset_acdc.ts";
import { acdcH5DatasetPlugin } from "./dataset_acdc_h5.ts";
import { syntheticDatasetPlugin } from "./dataset_synthetic.ts";

/** `acdc`, `acdc-h5` and `synthetic`. */
export const datasetPlugins: readonly AnyPlugin[] = [
  acdcDatasetPlugin,
  acdcH5DatasetPlugin,
  syntheticDatasetPlugin,
] as AnyPlugin[];
