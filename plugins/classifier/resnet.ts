/**
 * `resnet`: a ResNet of basic residual blocks (He et al. 2016): `stages: [2, 2, 2, 2]` is
 * ResNet-18, `[3, 4, 6, 3]` ResNet-34. Each stage after the first halves the resolution
 * and doubles the filters; a 1×1 projection matches the shortcut when shapes change.
 * Global average pooling, dropout and a dense layer give the logits. The Grad-CAM target
 * is the output of a stage (default: the last).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import {
  channelsOf,
  commonClassifierOptions,
  conv,
  definePlugin,
  type LayerKit,
  layerKit,
  logitsHead,
  type NetworkSpec,
  relu,
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
    .describe("filters of the stem and the first stage (ResNet: 64); doubled per stage"),
  stages: z.array(z.number().int().min(1).max(16)).min(1).max(5).default([2, 2, 2, 2])
    .describe("residual blocks per stage: [2, 2, 2, 2] ResNet-18, [3, 4, 6, 3] ResNet-34"),
  stem: stemOption,
});

type Options = z.output<typeof options>;

function basicBlock(x: Sym, filters: number, strides: number, kit: LayerKit): Sym {
  const inFilters = channelsOf(x);
  const shortcut = strides === 1 && inFilters === filters
    ? x
    : conv(x, kit, filters, { kernelSize: 1, strides, relu: false });
  const y = conv(conv(x, kit, filters, { strides }), kit, filters, { relu: false });
  return relu(tfl.layers.add().apply([y, shortcut]) as Sym);
}

function residualStage(blocks: number, filters: number, first: boolean, kit: LayerKit): Stage {
  return (x) => {
    for (let b = 0; b < blocks; b++) x = basicBlock(x, filters, b === 0 && !first ? 2 : 1, kit);
    return x;
  };
}

function resnetStages(spec: NetworkSpec, opts: Options, kit: LayerKit): Stage[] {
  return [
    stem(opts.stem, opts.width, kit),
    ...opts.stages.map((blocks, i) => residualStage(blocks, opts.width * 2 ** i, i === 0, kit)),
    (x) => logitsHead(x, kit, spec.numClasses, opts.dropout),
  ];
}

/** The `resnet` classifier plugin. */
export const resnetPlugin = definePlugin({
  kind: "classifier",
  name: "resnet",
  description: "ResNet of basic blocks (18/34-style stages), batch norm, GAP, dropout",
  version: "1",
  options,
  create: (opts, ctx) => ({
    build(spec) {
      const kit = layerKit(ctx.seed, opts.batchNorm);
      const stages = resnetStages(spec, opts, kit);
      const blockStages = opts.stages.map((_, i) => i + 1);
      return splitNetwork(spec, stages, targetStage(blockStages, opts.target, "resnet"), "resnet");
    },
  }),
});
