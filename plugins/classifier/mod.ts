/**
 * The built-in classifier plugins: `tiny-cnn`, VGG16, ResNet and DenseNet.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { densenetPlugin } from "./densenet.ts";
import { resnetPlugin } from "./resnet.ts";
import { tinyCnnPlugin } from "./tiny_cnn.ts";
import { vgg16Plugin } from "./vgg16.ts";

/** `tiny-cnn`, `vgg16`, `resnet` and `densenet`, for the plugin registry. */
export const classifierPlugins: readonly AnyPlugin[] = [
  tinyCnnPlugin,
  vgg16Plugin,
  resnetPlugin,
  densenetPlugin,
] as AnyPlugin[];
