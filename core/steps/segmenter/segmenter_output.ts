/**
 * Applying a segmenter for training: its probabilities and, when its last layer is a
 * separate softmax activation, the logits before it, so the cross-entropy can be computed
 * from logits (no vanishing gradient once the softmax saturates).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { SegmenterOutput } from "../../training/losses.ts";
import type { Logger } from "../../util/logger.ts";

const LOGITS = new WeakMap<tfl.LayersModel, tfl.LayersModel | null>();

function isSoftmaxActivation(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === "Activation" && layer.getConfig().activation === "softmax";
}

/**
 * The sub-model from the input to the logits, sharing the model's weights; null when the
 * last layer is not a softmax activation. Never dispose it: the model owns the weights.
 */
export function logitsModel(model: tfl.LayersModel): tfl.LayersModel | null {
  if (!LOGITS.has(model)) {
    const last = model.layers[model.layers.length - 1];
    LOGITS.set(
      model,
      isSoftmaxActivation(last)
        ? tfl.model({ inputs: model.inputs, outputs: last.input as tfl.SymbolicTensor })
        : null,
    );
  }
  return LOGITS.get(model)!;
}

/** The last layer, when it applies a softmax inside itself (e.g. `conv2d` with that activation). */
function fusedSoftmaxLayer(model: tfl.LayersModel): tfl.layers.Layer | undefined {
  const last = model.layers[model.layers.length - 1];
  if (!last || isSoftmaxActivation(last)) return undefined;
  return last.getConfig().activation === "softmax" ? last : undefined;
}

const warned = new Set<string>();

/**
 * Warns (once per plugin and process) when a segmenter fuses its softmax into its last
 * layer: training then sees only probabilities, and the cross-entropy of saturated ones has
 * no gradient (`tiny-unet` v1 stayed at "all background" that way). Returns whether it did.
 */
export function warnIfFusedSoftmax(model: tfl.LayersModel, plugin: string, log: Logger): boolean {
  const layer = fusedSoftmaxLayer(model);
  if (!layer) return false;
  if (warned.has(plugin)) return true;
  warned.add(plugin);
  log.warn(
    `segmenter "${plugin}": its last layer (${layer.getClassName()} "${layer.name}") applies ` +
      `the softmax itself, so training sees probabilities, not logits, and cross-entropy ` +
      `stops learning once they saturate; end the network with a separate softmax layer ` +
      `(the kit's softmaxHead)`,
  );
  return true;
}

/** Applies `model` (training or inference mode) and returns probabilities and logits. */
export function applySegmenter(
  model: tfl.LayersModel,
  inputs: tf.Tensor4D,
  training: boolean,
): SegmenterOutput {
  const sub = logitsModel(model);
  if (!sub) return { probs: model.apply(inputs, { training }) as tf.Tensor4D };
  const logits = sub.apply(inputs, { training }) as tf.Tensor4D;
  return { logits, probs: tf.softmax(logits) };
}

/** Rows `[from, from + count)` of a segmenter output (probabilities and logits). */
export function outputRows(output: SegmenterOutput, from: number, count: number): SegmenterOutput {
  const rows = (t: tf.Tensor4D) => tf.slice(t, [from, 0, 0, 0], [count, -1, -1, -1]);
  return { probs: rows(output.probs), logits: output.logits && rows(output.logits) };
}
