/**
 * `vgg16`: VGG16 (Simonyan & Zisserman 2015): five blocks of 3×3 convolutions (2, 2, 3, 3,
 * 3 of them, 64 … 512 filters) each followed by 2×2 max pooling, then dense layers with
 * dropout. `width` and `blocks` shrink it for CPU runs. The Grad-CAM target is the last
 * convolution of a block (default: the last block, `block5_conv3` in Keras).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import {
  commonClassifierOptions,
  conv,
  definePlugin,
  dropout,
  type LayerKit,
  layerKit,
  maxPool,
  type NetworkSpec,
  splitNetwork,
  type Stage,
  type Sym,
  targetStage,
} from "../../mod.ts";

/** Convolutions per block in VGG16. */
const CONVS_PER_BLOCK = [2, 2, 3, 3, 3] as const;

const options = z.strictObject({
  ...commonClassifierOptions(false),
  width: z.number().int().min(1).max(512).default(64)
    .describe("filters of the first block (VGG16: 64); doubled per block up to 8×"),
  blocks: z.number().int().min(1).max(5).default(5)
    .describe("blocks used, from the first (VGG16: 5)"),
  denseUnits: z.number().int().min(0).max(8192).default(4096)
    .describe("units of each of the two hidden dense layers (VGG16: 4096); 0 for none"),
  pooling: z.enum(["flatten", "average"]).default("flatten")
    .describe("flatten (VGG16) or global average pooling before the dense layers"),
});

type Options = z.output<typeof options>;

function convBlock(convs: number, filters: number, kit: LayerKit): Stage {
  return (x) => {
    for (let i = 0; i < convs; i++) x = conv(x, kit, filters);
    return x;
  };
}

function classifierHead(opts: Options, classes: number, kit: LayerKit): Stage {
  return (x) => {
    let y: Sym = opts.pooling === "flatten"
      ? tfl.layers.flatten().apply(x) as Sym
      : tfl.layers.globalAveragePooling2d({}).apply(x) as Sym;
    const hidden = opts.denseUnits > 0 ? 2 : 0;
    for (let i = 0; i < hidden; i++) {
      y = tfl.layers.dense({
        units: opts.denseUnits,
        activation: "relu",
        kernelInitializer: kit.init(),
      }).apply(y) as Sym;
      y = dropout(y, kit, opts.dropout);
    }
    if (hidden === 0) y = dropout(y, kit, opts.dropout);
    return tfl.layers.dense({ units: classes, kernelInitializer: kit.init() }).apply(y) as Sym;
  };
}

/** Stages: conv block, pool, conv block, pool, …, head; with the index of each conv block. */
function vggStages(spec: NetworkSpec, opts: Options, kit: LayerKit) {
  const stages: Stage[] = [];
  const blockStages: number[] = [];
  for (let b = 0; b < opts.blocks; b++) {
    blockStages.push(stages.length);
    stages.push(convBlock(CONVS_PER_BLOCK[b], opts.width * 2 ** Math.min(b, 3), kit));
    stages.push((x) => maxPool(x));
  }
  stages.push(classifierHead(opts, spec.numClasses, kit));
  return { stages, blockStages };
}

/** The `vgg16` classifier plugin (the paper trains it with SGD and momentum). */
export const vgg16Plugin = definePlugin({
  kind: "classifier",
  name: "vgg16",
  description: "VGG16 (5 conv blocks, dense layers, dropout); width/blocks shrink it",
  version: "1",
  options,
  create: (opts, ctx) => ({
    build(spec) {
      const kit = layerKit(ctx.seed, opts.batchNorm);
      const { stages, blockStages } = vggStages(spec, opts, kit);
      return splitNetwork(spec, stages, targetStage(blockStages, opts.target, "vgg16"), "vgg16");
    },
  }),
});
