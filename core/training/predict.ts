/**
 * Batched inference that reads results back from the device once.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { CampriorError } from "../util/errors.ts";
import { firstNonFinite } from "../util/finite.ts";

/**
 * Applies `model` to `inputs` in batches, maps each output with `post`, reads back once.
 * With `culprit`, an output holding NaN or Inf (seen in each slice's sum) is an error
 * naming it, instead of a prediction made of garbage.
 */
export async function predictBatched(
  model: tfl.LayersModel,
  inputs: tf.Tensor4D,
  batchSize: number,
  post: (output: tf.Tensor) => tf.Tensor,
  culprit?: string,
): Promise<tf.TypedArray> {
  const parts: tf.Tensor[] = [], sums: tf.Tensor[] = [];
  try {
    for (let start = 0; start < inputs.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, inputs.shape[0] - start);
      const [part, sum] = tf.tidy(() => {
        const batch = tf.slice(inputs, [start, 0, 0, 0], [size, -1, -1, -1]);
        const output = model.apply(batch, { training: false }) as tf.Tensor;
        const perSlice = tf.sum(tf.reshape(output, [size, -1]), 1);
        return [post(output), perSlice];
      });
      parts.push(part);
      sums.push(sum);
    }
    const all = tf.concat(parts, 0);
    const values = await all.data();
    all.dispose();
    if (culprit) await checkFinite(sums, culprit);
    return values;
  } finally {
    tf.dispose([...parts, ...sums]);
  }
}

async function checkFinite(sums: tf.Tensor[], culprit: string): Promise<void> {
  const all = tf.concat(sums, 0);
  const values = await all.data();
  all.dispose();
  const slice = firstNonFinite(values);
  if (slice >= 0) {
    throw new CampriorError(
      `${culprit} output NaN or infinite values (first for slice ${slice}); nothing was stored`,
    );
  }
}
