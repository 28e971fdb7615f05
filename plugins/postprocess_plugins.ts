/**
 * Post-processing plugins for priors besides `mode-filter`: `threshold`, `gaussian-blur`
 * and `largest-component`.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { gaussianBlurPlugin } from "./postprocess_gaussian_blur.ts";
import { largestComponentPlugin } from "./postprocess_largest_component.ts";
import { thresholdPlugin } from "./postprocess_threshold.ts";

/** `threshold`, `gaussian-blur` and `largest-component`. */
export const postprocessPlugins: readonly AnyPlugin[] = [
  thresholdPlugin,
  gaussianBlurPlugin,
  largestComponentPlugin,
];
