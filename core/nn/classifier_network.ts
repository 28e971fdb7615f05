/**
 * What the classifier plugins share: their common options (dropout, batch norm, the
 * Grad-CAM target block) and building a network from an ordered list of stages, split
 * after the target stage into `features` and `head`.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import { ConfigError } from "../util/errors.ts";
import { composeModel } from "./seeded_init.ts";
import type { ClassifierNetwork, NetworkSpec } from "../plugin/plugin.ts";
import { conv, type LayerKit, maxPool, type Sym } from "./layers.ts";

/** Option schemas every classifier plugin has; `batchNorm` defaults per architecture. */
export function commonClassifierOptions(batchNormDefault: boolean) {
  return {
    dropout: z.number().min(0).max(0.9).default(0)
      .describe("dropout rate before the class logits (and between dense layers)"),
    batchNorm: z.boolean().default(batchNormDefault)
      .describe("batch normalisation after each convolution"),
    target: z.number().int().min(1).optional()
      .describe("Grad-CAM target: the 1-based block whose output features ends with; default last"),
  };
}

/** Applies layers to a symbolic tensor; builds them when called. */
export type Stage = (x: Sym) => Sym;

/** Stage index of the 1-based `target` block among `blockStages` (default: the last). */
export function targetStage(
  blockStages: readonly number[],
  target: number | undefined,
  plugin: string,
): number {
  const block = target ?? blockStages.length;
  if (block > blockStages.length) {
    throw new ConfigError(
      `${plugin}: target block ${block} does not exist (the network has ${blockStages.length})`,
    );
  }
  return blockStages[block - 1];
}

/**
 * Builds `features` from stages `0 … target` and `head` from the rest, and the model that
 * applies both: `model(x) = head(features(x))`.
 */
export function splitNetwork(
  spec: NetworkSpec,
  stages: readonly Stage[],
  target: number,
  name: string,
): ClassifierNetwork {
  const input = tfl.input({ shape: [...spec.inputShape] });
  const featuresOut = stages.slice(0, target + 1).reduce((x, stage) => stage(x), input);
  const features = tfl.model({ inputs: input, outputs: featuresOut, name: "features" });
  const headIn = tfl.input({ shape: featuresOut.shape.slice(1) as number[] });
  const logits = stages.slice(target + 1).reduce((x, stage) => stage(x), headIn);
  const head = tfl.model({ inputs: headIn, outputs: logits, name: "head" });
  return { features, head, model: composeModel(features, head, name) };
}

/** `imagenet`: 7×7/2 convolution and 3×3/2 max pooling (÷4); `small`: one 3×3 convolution. */
export const stemOption = z.enum(["imagenet", "small"]).default("imagenet").describe(
  "imagenet: 7×7 stride-2 convolution and max-pool (¼ resolution); small: one 3×3 " +
    "convolution at full resolution (for small inputs)",
);

/** The stem of ResNet and DenseNet. */
export function stem(kind: z.output<typeof stemOption>, filters: number, kit: LayerKit): Stage {
  return kind === "imagenet"
    ? (x) => maxPool(conv(x, kit, filters, { kernelSize: 7, strides: 2 }), 3, 2)
    : (x) => conv(x, kit, filters);
}
