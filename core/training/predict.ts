/**
 * Batched inference that reads results back from the device once.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

/** Applies `model` to `inputs` in batches, maps each output with `post`, reads back once. */
export async function predictBatched(
  model: tfl.LayersModel,
  inputs: tf.Tensor4D,
  batchSize: number,
  post: (output: tf.Tensor) => tf.Tensor,
): Promise<tf.TypedArray> {
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < inputs.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, inputs.shape[0] - start);
      parts.push(tf.tidy(() => {
        const batch = tf.slice(inputs, [start, 0, 0, 0], [size, -1, -1, -1]);
        return post(model.apply(batch, { training: false }) as tf.Tensor);
      }));
    }
    const all = tf.concat(parts, 0);
    const values = await all.data();
    all.dispose();
    return values;
  } finally {
    tf.dispose(parts);
  }
}
