/**
 * `unet`: the U-Net of Ronneberger et al. (2015), the paper's segmenter: `depth` levels of
 * two 3×3 convolutions (optionally batch-normalised) and 2×2 max pooling, a bottleneck,
 * and as many levels of 2× upsampling (transposed convolution or nearest), skip
 * concatenation and two convolutions; a 1×1 convolution gives logits and a separate softmax
 * layer per-pixel class probabilities (training takes the logits before it for a stable
 * cross-entropy). Dropout, as in the original, acts at the deepest encoder level and the
 * bottleneck. Any number of input channels.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import {
  conv,
  definePlugin,
  dropout,
  type LayerKit,
  layerKit,
  maxPool,
  softmaxHead,
  type Sym,
} from "../../mod.ts";

const options = z.strictObject({
  depth: z.number().int().min(1).max(6).default(4)
    .describe("2× poolings; the network works at depth + 1 resolutions"),
  filters: z.number().int().min(1).max(512).default(64)
    .describe("filters at the first level (U-Net: 64); doubled per level"),
  batchNorm: z.boolean().default(false)
    .describe("batch normalisation after each convolution"),
  dropout: z.number().min(0).max(0.9).default(0)
    .describe("dropout rate at the deepest encoder level and the bottleneck"),
  upsampling: z.enum(["transpose", "nearest"]).default("transpose")
    .describe("transpose: 2×2 transposed convolution (U-Net); nearest: nearest-neighbour resize"),
});

type Options = z.output<typeof options>;

function doubleConv(x: Sym, filters: number, kit: LayerKit): Sym {
  return conv(conv(x, kit, filters), kit, filters);
}

function upsample(x: Sym, filters: number, opts: Options, kit: LayerKit): Sym {
  if (opts.upsampling === "nearest") {
    return tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as Sym;
  }
  return tfl.layers.conv2dTranspose({
    filters,
    kernelSize: 2,
    strides: 2,
    padding: "same",
    kernelInitializer: kit.init(),
  }).apply(x) as Sym;
}

function buildUnet(inputShape: readonly number[], classes: number, opts: Options, kit: LayerKit) {
  const input = tfl.input({ shape: [...inputShape] });
  const skips: Sym[] = [];
  let x: Sym = input;
  for (let level = 0; level < opts.depth; level++) {
    x = doubleConv(x, opts.filters * 2 ** level, kit);
    if (level === opts.depth - 1) x = dropout(x, kit, opts.dropout);
    skips.push(x);
    x = maxPool(x);
  }
  x = dropout(doubleConv(x, opts.filters * 2 ** opts.depth, kit), kit, opts.dropout);
  for (let level = opts.depth - 1; level >= 0; level--) {
    const filters = opts.filters * 2 ** level;
    x = tfl.layers.concatenate().apply([upsample(x, filters, opts, kit), skips[level]]) as Sym;
    x = doubleConv(x, filters, kit);
  }
  return tfl.model({ inputs: input, outputs: softmaxHead(x, classes, kit.init()), name: "unet" });
}

/** The `unet` segmenter plugin. */
export const unetPlugin = definePlugin({
  kind: "segmenter",
  name: "unet",
  description: "U-Net (depth, filters, batch norm, dropout, transposed-conv upsampling), softmax",
  version: "1",
  options,
  create: (opts, ctx) => ({
    build: (spec) =>
      buildUnet(spec.inputShape, spec.numClasses, opts, layerKit(ctx.seed, opts.batchNorm)),
  }),
});
