/**
 * The tfjs side of the model benchmarks: one training step of the U-Net (`unet` plugin,
 * pixel cross-entropy on its logits, computed as segmenter training does) or of a
 * VGG-like classifier (`vgg16` plugin, softmax cross-entropy on its logits), both with
 * Adam; and Grad-CAM maps of a batch (`gradcam` plugin). Each call reads one result back
 * (the last loss, or the last maps), however many runs it makes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type {
  ClassifierInstance,
  PluginContext,
  SegmenterInstance,
} from "../core/plugin/plugin.ts";
import {
  classificationCrossEntropy,
  oneHotTargets,
  segmentationLoss,
} from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { vgg16Plugin } from "../plugins/classifier/vgg16.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { gradcamPlugin } from "../plugins/xai/gradcam.ts";
import type { Prepared } from "./run_kernels.ts";
import type { UnetWorkload, VggWorkload } from "./workloads.ts";

/** Seeded images `[batch, size, size, channels]`. */
function images(w: UnetWorkload | VggWorkload): tf.Tensor4D {
  return tf.randomNormal([w.batch, w.size, w.size, w.channels], 0, 1, "float32", 11);
}

/** Seeded one-hot labels of `shape` (without the class axis). */
function labels(shape: number[], classes: number): tf.Tensor {
  return tf.tidy(() =>
    oneHotTargets(tf.randomUniformInt(shape, 0, classes, 12) as tf.Tensor, classes)
  );
}

/** Training steps of `model` with Adam: minimise `loss`, read the last loss back. */
function trainStep(
  model: tfl.LayersModel,
  loss: () => tf.Scalar,
  data: tf.Tensor[],
): Prepared {
  const optimizer = tf.train.adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    async run(runs = 1) {
      const values = Array.from(
        { length: runs },
        () => optimizer.minimize(loss, true, variables) as tf.Scalar,
      );
      await values[values.length - 1].data();
      tf.dispose(values);
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
      tf.dispose(data);
    },
  };
}

/** The `unet` network of a workload (transposed-conv upsampling, no batch norm). */
export function unetModel(w: UnetWorkload, ctx: PluginContext): tfl.LayersModel {
  const options = unetPlugin.options.parse({ depth: w.depth, filters: w.filters });
  const segmenter = unetPlugin.create(options, ctx) as SegmenterInstance;
  return segmenter.build({ inputShape: [w.size, w.size, w.channels], numClasses: w.classes });
}

/** The shrunk `vgg16` network of a workload (flatten, two hidden dense layers). */
export function vggNetwork(w: VggWorkload, ctx: PluginContext) {
  const options = vgg16Plugin.options.parse({
    width: w.width,
    blocks: w.blocks,
    denseUnits: w.dense,
    pooling: "flatten",
  });
  const classifier = vgg16Plugin.create(options, ctx) as ClassifierInstance;
  return classifier.build({ inputShape: [w.size, w.size, w.channels], numClasses: w.classes });
}

/** One U-Net training step per run. */
export function prepareUnet(w: UnetWorkload, ctx: PluginContext): Prepared {
  const model = unetModel(w, ctx);
  const x = images(w);
  const y = labels([w.batch, w.size, w.size], w.classes) as tf.Tensor4D;
  const crossEntropy = segmentationLoss("crossentropy");
  const loss = () => crossEntropy(applySegmenter(model, x, true), y);
  return trainStep(model, loss, [x, y]);
}

/** One classifier training step per run. */
export function prepareVgg(w: VggWorkload, ctx: PluginContext): Prepared {
  const { model } = vggNetwork(w, ctx);
  const x = images(w);
  const y = labels([w.batch], w.classes) as tf.Tensor2D;
  const loss = () =>
    classificationCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y);
  return trainStep(model, loss, [x, y]);
}

/** Grad-CAM maps of the predicted class for a batch per run. */
export function prepareGradcam(w: VggWorkload, ctx: PluginContext): Prepared {
  const network = vggNetwork(w, ctx);
  const xai = gradcamPlugin.create({}, ctx);
  const x = images(w);
  return {
    async run(runs = 1) {
      const maps = Array.from({ length: runs }, () => xai.explain(network, x, "predicted"));
      await maps[maps.length - 1].data();
      tf.dispose(maps);
    },
    dispose() {
      network.model.dispose();
      x.dispose();
    },
  };
}
