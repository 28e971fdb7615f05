/**
 * `densenet`: a DenseNet with bottleneck layers and compression (DenseNet-BC, Huang et al.
 * 2017): `blocks: [6, 12, 24, 16]` with growth rate 32 is DenseNet-121. Each layer adds
 * `growthRate` feature maps (BN-ReLU-1×1 conv to 4·k, BN-ReLU-3×3 conv to k) concatenated
 * to its input; transitions compress the channels and halve the resolution. The Grad-CAM
 * target is the output of a dense block (default: the last, after its BN-ReLU).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import {
  channelsOf,
  commonClassifierOptions,
  definePlugin,
  type LayerKit,
  layerKit,
  logitsHead,
  type NetworkSpec,
  normRelu,
  splitNetwork,
  type Stage,
  stem,
  stemOption,
  type Sym,
  targetStage,
} from "../../mod.ts";

const options = z.strictObject({
  ...commonClassifierOptions(true),
  width: z.number().int().min(1).max(512).default(64)
    .describe("filters of the stem (DenseNet-121: 64)"),
  growthRate: z.number().int().min(1).max(128).default(32)
    .describe("feature maps each dense layer adds (DenseNet-121: 32)"),
  blocks: z.array(z.number().int().min(1).max(64)).min(1).max(5).default([6, 12, 24, 16])
    .describe("dense layers per block: [6, 12, 24, 16] is DenseNet-121"),
  compression: z.number().gt(0).max(1).default(0.5)
    .describe("fraction of channels a transition keeps (DenseNet-BC: 0.5)"),
  stem: stemOption,
});

type Options = z.output<typeof options>;

function convLayer(x: Sym, filters: number, kernelSize: number, kit: LayerKit): Sym {
  return tfl.layers.conv2d({
    filters,
    kernelSize,
    padding: "same",
    useBias: !kit.batchNorm,
    kernelInitializer: kit.init(),
  }).apply(x) as Sym;
}

function denseLayer(x: Sym, opts: Options, kit: LayerKit): Sym {
  const bottleneck = convLayer(normRelu(x, kit), 4 * opts.growthRate, 1, kit);
  const grown = convLayer(normRelu(bottleneck, kit), opts.growthRate, 3, kit);
  return tfl.layers.concatenate().apply([x, grown]) as Sym;
}

function denseBlock(layers: number, opts: Options, kit: LayerKit, last: boolean): Stage {
  return (x) => {
    for (let i = 0; i < layers; i++) x = denseLayer(x, opts, kit);
    return last ? normRelu(x, kit) : x;
  };
}

function transition(opts: Options, kit: LayerKit): Stage {
  return (x) => {
    const channels = Math.max(1, Math.floor(channelsOf(x) * opts.compression));
    const y = convLayer(normRelu(x, kit), channels, 1, kit);
    return tfl.layers.averagePooling2d({ poolSize: 2, padding: "same" }).apply(y) as Sym;
  };
}

/** Stages (stem, block, transition, …, block, head) and the index of each dense block. */
function densenetStages(spec: NetworkSpec, opts: Options, kit: LayerKit) {
  const stages: Stage[] = [stem(opts.stem, opts.width, kit)];
  const blockStages: number[] = [];
  opts.blocks.forEach((layers, i) => {
    const last = i === opts.blocks.length - 1;
    blockStages.push(stages.length);
    stages.push(denseBlock(layers, opts, kit, last));
    if (!last) stages.push(transition(opts, kit));
  });
  stages.push((x) => logitsHead(x, kit, spec.numClasses, opts.dropout));
  return { stages, blockStages };
}

/** The `densenet` classifier plugin. */
export const densenetPlugin = definePlugin({
  kind: "classifier",
  name: "densenet",
  description: "DenseNet-BC (121-style dense blocks, growth rate, compression), GAP, dropout",
  version: "1",
  options,
  create: (opts, ctx) => ({
    build(spec) {
      const kit = layerKit(ctx.seed, opts.batchNorm);
      const { stages, blockStages } = densenetStages(spec, opts, kit);
      const target = targetStage(blockStages, opts.target, "densenet");
      return splitNetwork(spec, stages, target, "densenet");
    },
  }),
});
