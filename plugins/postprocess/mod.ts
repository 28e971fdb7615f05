/**
 * The built-in post-processing plugins for priors: `mode-filter` (the paper's CAM*),
 * `threshold`, `gaussian-blur`, `largest-component` and `min-max`.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { gaussianBlurPlugin } from "./gaussian_blur.ts";
import { largestComponentPlugin } from "./largest_component.ts";
import { minMaxPlugin } from "./min_max.ts";
import { modeFilterPlugin } from "./mode_filter.ts";
import { thresholdPlugin } from "./threshold.ts";

/** `mode-filter`, `threshold`, `gaussian-blur`, `largest-component` and `min-max`. */
export const postprocessPlugins: readonly AnyPlugin[] = [
  modeFilterPlugin,
  thresholdPlugin,
  gaussianBlurPlugin,
  largestComponentPlugin,
  minMaxPlugin,
];
