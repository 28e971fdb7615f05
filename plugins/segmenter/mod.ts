/**
 * The built-in segmenter plugins: the U-Net and the small `tiny-unet`.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { tinyUnetPlugin } from "./tiny_unet.ts";
import { unetPlugin } from "./unet.ts";

/** `unet` and `tiny-unet`, for the plugin registry. */
export const segmenterPlugins: readonly AnyPlugin[] = [unetPlugin, tinyUnetPlugin] as AnyPlugin[];
