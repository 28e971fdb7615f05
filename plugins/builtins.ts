/**
 * The plugins that ship with camprior.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { Registry } from "../core/registry.ts";
import { backendPlugins } from "./backends.ts";
import { tinyCnnPlugin } from "./classifier_tiny_cnn.ts";
import { datasetPlugins } from "./datasets.ts";
import { modelPlugins } from "./models.ts";
import { tinyDatasetPlugin } from "./dataset_tiny.ts";
import modeFilterPlugin from "./postprocess_mode_filter.ts";
import { tinyUnetPlugin } from "./segmenter_tiny_unet.ts";
import { postprocessPlugins } from "./postprocess_plugins.ts";
import { xaiPlugins } from "./xai_plugins.ts";

/** Every built-in plugin. */
export const builtinPlugins: readonly AnyPlugin[] = [
  ...backendPlugins,
  ...datasetPlugins,
  tinyDatasetPlugin,
  tinyCnnPlugin,
  ...modelPlugins,
  ...xaiPlugins,
  modeFilterPlugin,
  ...postprocessPlugins,
  tinyUnetPlugin,
] as AnyPlugin[];

/** A registry holding the built-in plugins. */
export function builtinRegistry(): Registry {
  return new Registry(builtinPlugins);
}
