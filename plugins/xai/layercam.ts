/**
 * LayerCAM (Jiang et al. 2021): each activation is weighted by the positive part of its own
 * gradient, position by position.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { camMethodPlugin } from "../../mod.ts";

/** The `layercam` XAI plugin. */
export const layercamPlugin = camMethodPlugin({
  name: "layercam",
  description: "LayerCAM: activations times positive gradients, position by position",
  version: "1",
  options: z.strictObject({}),
  weigh: ({ gradients }) => tf.relu(gradients) as tf.Tensor4D,
});
