/**
 * Saliency maps of a trained classifier for every slice, and post-processing chains
 * applied to them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { IMAGE_CHANNEL } from "../../config/channels.ts";
import type { PreparedSlices } from "../data/prepared.ts";
import { CampriorError, throwIfInterrupted } from "../../util/errors.ts";
import { requireFinite } from "../../util/finite.ts";
import type { ResolvedRef } from "../../config/experiment.ts";
import type { ClassifierNetwork, Map2D, PluginContext } from "../../plugin/plugin.ts";
import type { Registry } from "../../plugin/registry.ts";
import { inputTensor } from "../data/inputs.ts";

const BATCH = 16;

/** Raw saliency maps `[count·S·S]` of every slice, computed in batches. */
export async function explainAll(
  registry: Registry,
  ref: ResolvedRef,
  context: PluginContext,
  network: ClassifierNetwork,
  prepared: PreparedSlices,
): Promise<Float32Array> {
  const xai = await registry.get("xai", ref.plugin).create(ref.options, context);
  const images = inputTensor(prepared, [IMAGE_CHANNEL], new Map());
  const parts: tf.Tensor3D[] = [];
  try {
    for (let start = 0; start < prepared.count; start += BATCH) {
      throwIfInterrupted(context.signal, `${ref.plugin} maps`);
      const size = Math.min(BATCH, prepared.count - start);
      const batch = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      parts.push(xai.explain(network, batch as tf.Tensor4D, "predicted"));
      batch.dispose();
    }
    const all = tf.concat(parts, 0);
    const values = await all.data() as Float32Array;
    all.dispose();
    requireFinite(values, `xai plugin "${ref.plugin}"`, prepared.size * prepared.size);
    return values;
  } finally {
    tf.dispose([images, ...parts]);
  }
}

/** Applies a post-processing chain to every `size`×`size` map in `maps`. */
export async function postprocessAll(
  registry: Registry,
  chain: readonly ResolvedRef[],
  context: PluginContext,
  maps: Float32Array,
  size: number,
): Promise<Float32Array> {
  if (chain.length === 0) return maps;
  const steps = await Promise.all(
    chain.map((ref) => registry.get("postprocess", ref.plugin).create(ref.options, context)),
  );
  const pixels = size * size;
  const out = new Float32Array(maps.length);
  for (let start = 0; start < maps.length; start += pixels) {
    const first: Map2D = { data: maps.slice(start, start + pixels), height: size, width: size };
    const last = steps.reduce((map, step, k) => {
      const next = step.apply(map);
      const culprit = `post-processor "${chain[k].plugin}" (step ${k + 1} of the chain)`;
      if (next.data.length !== pixels) {
        throw new CampriorError(
          `${culprit} returned ${next.data.length} values for slice ${start / pixels}, ` +
            `expected ${size}×${size}; nothing was stored`,
        );
      }
      requireFinite(next.data, `${culprit} on slice ${start / pixels}`, pixels);
      return next;
    }, first);
    out.set(last.data, start);
  }
  return out;
}
