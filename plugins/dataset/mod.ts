/**
 * The built-in dataset plugins: real ACDC in both layouts, the synthetic ACDC-like cohort
 * and the in-memory `tiny` cohort for tests.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { acdcDatasetPlugin } from "./acdc.ts";
import { acdcH5DatasetPlugin } from "./acdc_h5.ts";
import { syntheticDatasetPlugin } from "./synthetic.ts";
import { tinyDatasetPlugin } from "./tiny.ts";

/** `acdc`, `acdc-h5`, `synthetic` and `tiny`. */
export const datasetPlugins: readonly AnyPlugin[] = [
  acdcDatasetPlugin,
  acdcH5DatasetPlugin,
  syntheticDatasetPlugin,
  tinyDatasetPlugin,
] as AnyPlugin[];
