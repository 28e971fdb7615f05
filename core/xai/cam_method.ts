/**
 * Turns a CAM rule into an XAI plugin. The base supplies activations, the explained classes
 * and (when read) gradients; a rule either weighs the activation channels (`weigh`, the
 * pytorch-grad-cam `get_cam_weights` pattern) or computes the map itself (`map`, as
 * EigenCAM's projection). The base then applies the ReLU, upsamples and scales to [0, 1].
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type {
  ClassifierNetwork,
  Plugin,
  PluginContext,
  TargetClass,
  XaiInstance,
} from "../plugin/plugin.ts";
import { type CamInputs, camInputs, finalizeMaps, weightedSum } from "./cam_base.ts";

/** Weights `[N, k]` (per channel) or `[N, h, w, k]` (per position and channel). */
export type ChannelWeighting<O> = (
  input: CamInputs,
  options: O,
) => tf.Tensor2D | tf.Tensor4D;

/** A map `[N, h, w]` at the target layer, before the ReLU the base applies. */
export type MapRule<O> = (input: CamInputs, options: O) => tf.Tensor3D;

/** How a method turns the base's inputs into maps: weights, or the map itself. */
export type CamRule<O> =
  | { readonly weigh: ChannelWeighting<O>; readonly map?: never }
  | { readonly map: MapRule<O>; readonly weigh?: never };

/** What a CAM method declares: plugin metadata and one rule. */
export type CamMethod<S extends z.ZodType> = {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly options: S;
} & CamRule<z.output<S>>;

/** An XAI instance that also gives the maps at the target layer before scaling. */
export interface CamInstance extends XaiInstance {
  /**
   * ReLU'd maps at the target layer's resolution, `[N, h, w]`, not resized or scaled
   * (pytorch-grad-cam's `cam` before `scale_cam_image`). The caller disposes them.
   */
  rawMaps(network: ClassifierNetwork, images: tf.Tensor4D, target: TargetClass): tf.Tensor3D;
}

/** The `xai` plugin {@linkcode camMethodPlugin} makes; its instances are CAM instances. */
export interface CamPlugin<S extends z.ZodType> extends Plugin<"xai", S> {
  create(options: z.output<S>, context?: PluginContext): CamInstance;
}

/** Raw maps `[N, h, w]` of a rule for a batch (see {@linkcode CamInstance.rawMaps}). */
export function rawMapsWith<O>(
  rule: CamRule<O>,
  options: O,
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): tf.Tensor3D {
  return tf.tidy(() => {
    const inputs = camInputs(network, images, target);
    if (rule.map) return tf.relu(rule.map(inputs, options));
    return weightedSum(inputs.activations, rule.weigh(inputs, options));
  });
}

/** Maps `[N, H, W]` in [0, 1] of a rule for a batch, as `XaiInstance.explain` returns. */
export function explainWith<O>(
  rule: CamRule<O>,
  options: O,
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): tf.Tensor3D {
  return tf.tidy(() => {
    const raw = rawMapsWith(rule, options, network, images, target);
    return finalizeMaps(raw, images.shape[1], images.shape[2]);
  });
}

/** An `xai` plugin from a CAM method (a weighting or a map rule). */
export function camMethodPlugin<S extends z.ZodType>(method: CamMethod<S>): CamPlugin<S> {
  return {
    kind: "xai",
    name: method.name,
    description: method.description,
    version: method.version,
    options: method.options,
    create: (options): CamInstance => ({
      rawMaps: (network, images, target) => rawMapsWith(method, options, network, images, target),
      explain: (network, images, target) => explainWith(method, options, network, images, target),
    }),
  };
}
