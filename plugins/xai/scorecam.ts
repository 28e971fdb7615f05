/**
 * Score-CAM (Wang et al. 2020), gradient-free: each activation channel, upsampled to the
 * input size and min–max scaled, masks the image; the class score of the masked image is
 * the channel's weight, after a softmax over channels.
 *
 * As pytorch-grad-cam: upsampling is bilinear with aligned corners (torch's
 * `UpsamplingBilinear2d`), the mask scaling divides by `max − min + 1e-8`, the score is the
 * target logit and the softmax runs over the raw scores. Masked images are evaluated in
 * batches of `batchSize`, across channels and images alike.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { type CamInputs, camMethodPlugin, targetScores } from "../../mod.ts";

/** pytorch-grad-cam's guard against a constant channel. */
const EPSILON = 1e-8;

/** Masks `[rows, H, W, 1]`: channel `channels[r]` of `activations[r]`, upsampled and scaled. */
function channelMasks(
  activations: tf.Tensor4D,
  channels: tf.Tensor1D,
  height: number,
  width: number,
): tf.Tensor4D {
  const pick = tf.reshape(tf.oneHot(channels, activations.shape[3]), [
    -1,
    1,
    1,
    activations.shape[3],
  ]);
  const selected = tf.sum(tf.mul(activations, pick), 3, true) as tf.Tensor4D;
  const upsampled = tf.image.resizeBilinear(selected, [height, width], true);
  const low = tf.min(upsampled, [1, 2], true);
  const range = tf.add(tf.sub(tf.max(upsampled, [1, 2], true), low), EPSILON);
  return tf.div(tf.sub(upsampled, low), range);
}

/**
 * Target scores of masked images `start … end-1` of the `N·k`: row `r` is image `⌊r/k⌋`
 * masked by its channel `r mod k`. Masks are made per batch, so memory stays bounded.
 */
function maskedScores(inputs: CamInputs, start: number, end: number): tf.Tensor1D {
  return tf.tidy(() => {
    const [, height, width] = inputs.images.shape;
    const k = inputs.activations.shape[3];
    const rows = Array.from({ length: end - start }, (_, i) => start + i);
    const owners = tf.tensor1d(rows.map((r) => Math.floor(r / k)), "int32");
    const channels = tf.tensor1d(rows.map((r) => r % k), "int32");
    const masks = channelMasks(tf.gather(inputs.activations, owners), channels, height, width);
    const logits = inputs.network.model.apply(tf.mul(tf.gather(inputs.images, owners), masks));
    return targetScores(logits as tf.Tensor2D, tf.gather(inputs.targets, owners) as tf.Tensor2D);
  });
}

/** The `scorecam` XAI plugin. */
export const scorecamPlugin = camMethodPlugin({
  name: "scorecam",
  description: "Score-CAM: channels weighted by the class score of the image they mask",
  version: "1",
  options: z.strictObject({
    batchSize: z.number().int().min(1).max(4096).default(32)
      .describe("masked images per forward pass"),
  }),
  weigh: (inputs, { batchSize }) => {
    const [n, , , k] = inputs.activations.shape;
    const scores: tf.Tensor1D[] = [];
    for (let start = 0; start < n * k; start += batchSize) {
      scores.push(maskedScores(inputs, start, Math.min(n * k, start + batchSize)));
    }
    return tf.softmax(tf.reshape(tf.concat(scores, 0), [n, k])) as tf.Tensor2D;
  },
});
