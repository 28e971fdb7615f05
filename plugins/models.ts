/**
 * The model plugins: VGG16, ResNet and DenseNet classifiers and the U-Net segmenter.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { densenetPlugin } from "./classifier_densenet.ts";
import { resnetPlugin } from "./classifier_resnet.ts";
import { vgg16Plugin } from "./classifier_vgg16.ts";
import { unetPlugin } from "./segmenter_unet.ts";

/** `vgg16`, `resnet`, `densenet` and `unet`, for the plugin registry. */
export const modelPlugins: readonly AnyPlugin[] = [
  vgg16Plugin,
  resnetPlugin,
  densenetPlugin,
  unetPlugin,
] as AnyPlugin[];
