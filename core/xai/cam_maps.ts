/**
 * Class activation maps as priors: the maps of a classifier for every slice, at one target
 * layer or fused over several (LayerCAM-style: the mean of the per-layer maps, each scaled
 * to [0, 1], scaled again), for the predicted class or the sum of all class scores. What the
 * `cam` and `random-cam` prior sources compute.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import type { ClassifierNetwork, PriorInput } from "../plugin/plugin.ts";
import { ConfigError, throwIfInterrupted } from "../util/errors.ts";
import { type LayerSelector, splitAtLayer } from "./layer_split.ts";

const layerSelector = z.union([
  z.string().min(1),
  z.number().int().refine((n) => n !== 0, {
    error: "layer depths start at 1 (or -1 from the end)",
  }),
]);

/** Options of the CAM prior sources. */
export const camMapOptions = z.strictObject({
  /**
   * The target layer (name, or depth among the spatial layers, negative from the end), or
   * several whose maps are fused; default: the classifier's own target block.
   */
  layer: z.union([layerSelector, z.array(layerSelector).min(1)]).optional()
    .describe("target layer: name or depth (-1 = last spatial layer); a list fuses their maps"),
  /** `predicted`: the arg-max class; `all-classes`: the sum of the class scores. */
  target: z.enum(["predicted", "all-classes"]).default("predicted")
    .describe("class explained: predicted, or all-classes (sum of the class scores)"),
  /** Slices explained at once. */
  batchSize: z.number().int().min(1).max(1024).default(16)
    .describe("slices explained at once (memory only; the maps do not change)"),
});

/** {@linkcode camMapOptions} after defaults. */
export type CamMapOptions = z.output<typeof camMapOptions>;

/** The network split at each selected layer (or as built). */
export function targetNetworks(
  network: ClassifierNetwork,
  layer: CamMapOptions["layer"],
): ClassifierNetwork[] {
  if (layer === undefined) return [network];
  const layers: LayerSelector[] = Array.isArray(layer) ? layer : [layer];
  return layers.map((l) => splitAtLayer(network, l));
}

/** Mean of maps `[N, H, W]` in [0, 1], each image scaled again to [0, 1]. */
export function fuseMaps(maps: readonly tf.Tensor3D[]): tf.Tensor3D {
  if (maps.length === 1) return tf.clone(maps[0]);
  return tf.tidy(() => {
    const mean = tf.div(tf.addN(maps as tf.Tensor3D[]), maps.length);
    const low = tf.min(mean, [1, 2], true);
    const range = tf.sub(tf.max(mean, [1, 2], true), low);
    const safe = tf.where(tf.greater(range, 1e-12), range, tf.onesLike(range));
    return tf.div(tf.sub(mean, low), safe) as tf.Tensor3D;
  });
}

/** CAM maps `[count · S²]` of every slice from the input's classifier(s). */
export async function camMaps(input: PriorInput, options: CamMapOptions): Promise<Float32Array> {
  const { slices, classifier } = input;
  if (!classifier) throw new ConfigError("a CAM prior needs a classifier");
  const pixels = slices.size * slices.size;
  const out = new Float32Array(slices.count * pixels);
  for (const group of classifier.groups) {
    const networks = targetNetworks(group.network, options.layer);
    for (let start = 0; start < group.slices.length; start += options.batchSize) {
      throwIfInterrupted(input.signal, "CAM maps");
      const batch = group.slices.slice(start, start + options.batchSize);
      const images = classifier.inputs(batch);
      const fused = tf.tidy(() =>
        fuseMaps(networks.map((n) => classifier.xai.explain(n, images, options.target)))
      );
      images.dispose();
      const values = await fused.data() as Float32Array;
      fused.dispose();
      batch.forEach((slice, k) =>
        out.set(values.subarray(k * pixels, (k + 1) * pixels), slice * pixels)
      );
    }
  }
  return out;
}
