/**
 * `tiny-unet`: a small U-Net (Ronneberger et al.) for the quickstart and tests: double
 * convolutions, max pooling, nearest upsampling with skip concatenation, softmax output.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import { definePlugin, seededInitializers, softmaxHead } from "../../mod.ts";

const options = z.strictObject({
  depth: z.number().int().min(1).max(6).default(2)
    .describe("pooling levels"),
  filters: z.number().int().min(1).max(256).default(8)
    .describe("filters at the first level; doubled per level"),
});

type Init = ReturnType<typeof seededInitializers>;

function doubleConv(x: tfl.SymbolicTensor, filters: number, init: Init): tfl.SymbolicTensor {
  for (let i = 0; i < 2; i++) {
    x = tfl.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(),
    }).apply(x) as tfl.SymbolicTensor;
  }
  return x;
}

/** The `tiny-unet` segmenter plugin. */
export const tinyUnetPlugin = definePlugin({
  kind: "segmenter",
  name: "tiny-unet",
  description: "small U-Net (double convs, skip connections, softmax) for quick runs",
  version: "2",
  options,
  create: (opts, ctx) => ({
    build(spec) {
      const init = seededInitializers(ctx.seed);
      const input = tfl.input({ shape: [...spec.inputShape] });
      const skips: tfl.SymbolicTensor[] = [];
      let x = input;
      for (let level = 0; level < opts.depth; level++) {
        x = doubleConv(x, opts.filters * 2 ** level, init);
        skips.push(x);
        x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
      }
      x = doubleConv(x, opts.filters * 2 ** opts.depth, init);
      for (let level = opts.depth - 1; level >= 0; level--) {
        x = tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as tfl.SymbolicTensor;
        x = tfl.layers.concatenate().apply([x, skips[level]]) as tfl.SymbolicTensor;
        x = doubleConv(x, opts.filters * 2 ** level, init);
      }
      const probs = softmaxHead(x, spec.numClasses, init());
      return tfl.model({ inputs: input, outputs: probs, name: "tiny_unet" });
    },
  }),
});
