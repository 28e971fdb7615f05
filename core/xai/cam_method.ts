/**
 * Turns a weighting rule into an XAI plugin: the base supplies activations and gradients,
 * the rule returns one weight per activation channel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { ClassifierNetwork, Plugin, TargetClass, XaiInstance } from "../plugin.ts";
import {
  type ActivationsAndGradients,
  activationsAndGradients,
  finalizeMaps,
  weightedSum,
} from "./cam_base.ts";

/** Channel weights `[N, k]` from activations and gradients. */
export type ChannelWeighting<O> = (input: ActivationsAndGradients, options: O) => tf.Tensor2D;

/** What a gradient-weighted CAM method declares. */
export interface CamMethod<S extends z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly options: S;
  readonly weigh: ChannelWeighting<z.output<S>>;
}

/** Computes CAMs with `weigh` for a batch, as `XaiInstance.explain` does. */
export function explainWith<O>(
  weigh: ChannelWeighting<O>,
  options: O,
  network: ClassifierNetwork,
  images: tf.Tensor4D,
  target: TargetClass,
): tf.Tensor3D {
  return tf.tidy(() => {
    const base = activationsAndGradients(network, images, target);
    const raw = weightedSum(base.activations, weigh(base, options));
    return finalizeMaps(raw, images.shape[1], images.shape[2]);
  });
}

/** An `xai` plugin from a weighting rule. */
export function camMethodPlugin<S extends z.ZodType>(method: CamMethod<S>): Plugin<"xai", S> {
  return {
    kind: "xai",
    name: method.name,
    description: method.description,
    version: method.version,
    options: method.options,
    create: (options): XaiInstance => ({
      explain: (network, images, target) =>
        explainWith(method.weigh, options, network, images, target),
    }),
  };
}
