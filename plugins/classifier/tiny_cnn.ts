/**
 * `tiny-cnn`: a small VGG-style classifier for the quickstart and tests; conv blocks with
 * max pooling, the Grad-CAM target at the last convolution, global average pooling and a
 * dense layer giving class logits.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import { composeModel, definePlugin, type NetworkSpec, seededInitializers } from "../../mod.ts";

const options = z.strictObject({
  filters: z.number().int().min(1).max(256).default(8)
    .describe("filters of the first block; doubled in each following block"),
  blocks: z.number().int().min(1).max(6).default(2)
    .describe("conv + pool blocks before the target convolution"),
});

type Options = z.output<typeof options>;

function buildFeatures(
  spec: NetworkSpec,
  opts: Options,
  init: ReturnType<typeof seededInitializers>,
) {
  const input = tfl.input({ shape: [...spec.inputShape] });
  let x = input;
  for (let block = 0; block < opts.blocks; block++) {
    x = tfl.layers.conv2d({
      filters: opts.filters * 2 ** block,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(),
    }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  }
  const target = tfl.layers.conv2d({
    filters: opts.filters * 2 ** opts.blocks,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    kernelInitializer: init(),
    name: "target_conv",
  }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: target, name: "features" });
}

function buildHead(
  featureShape: number[],
  classes: number,
  init: ReturnType<typeof seededInitializers>,
) {
  const input = tfl.input({ shape: featureShape });
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(input);
  const logits = tfl.layers.dense({ units: classes, kernelInitializer: init() }).apply(pooled);
  return tfl.model({ inputs: input, outputs: logits as tfl.SymbolicTensor, name: "head" });
}

/** The `tiny-cnn` classifier plugin. */
export const tinyCnnPlugin = definePlugin({
  kind: "classifier",
  name: "tiny-cnn",
  description: "small VGG-style CNN (conv/pool blocks, GAP, dense) for quick runs",
  version: "1",
  options,
  create: (opts, ctx) => ({
    build(spec) {
      const init = seededInitializers(ctx.seed);
      const features = buildFeatures(spec, opts, init);
      const head = buildHead(features.outputs[0].shape.slice(1) as number[], spec.numClasses, init);
      return { features, head, model: composeModel(features, head, "tiny_cnn") };
    },
  }),
});
