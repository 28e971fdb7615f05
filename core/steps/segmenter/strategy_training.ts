/**
 * Training a cell's segmenter with a training-strategy plugin: the strategy builds its
 * networks from the segmenter plugin (network `i > 0` from a seed derived from `i`), and
 * each labelled batch is paired with batches from the cell's unlabelled pool, weakly
 * augmented with the experiment's augmentation.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { ConfigError } from "../../util/errors.ts";
import { deriveSeed } from "../../util/random.ts";
import type { NetworkSpec, SegmenterInstance } from "../../plugin/plugin.ts";
import type { Registry } from "../../plugin/registry.ts";
import type { PluginContext } from "../../plugin/plugin.ts";
import { augmentBatch, type AugmentSettings, isAugmenting } from "../../training/augment.ts";
import type { SegmentationLoss } from "../../training/losses.ts";
import type { TrainStep } from "../../training/fit.ts";
import { strategyStep, type TrainingStrategy, type UnlabelledPool } from "./strategy.ts";
import { warnIfFusedSoftmax } from "./segmenter_output.ts";

/** Most networks one strategy may build (CPS builds two, a teacher one more). */
const MAX_NETWORKS = 4;

/** A strategy plugin reference as a step's settings give it. */
export interface StrategyRef {
  readonly plugin: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** What starting a strategy on one training run needs. */
export interface StrategyRun {
  readonly registry: Registry;
  readonly context: PluginContext;
  readonly strategy: StrategyRef;
  /** The segmenter plugin and its (candidate's) options. */
  readonly segmenter: { readonly plugin: string; readonly options: Record<string, unknown> };
  readonly spec: NetworkSpec;
  readonly loss: SegmentationLoss;
  /** Per input channel: whether it holds image intensities (false: a prior map). */
  readonly imageChannels: readonly boolean[];
  readonly augment: AugmentSettings;
  readonly batchSize: number;
  /** Images of the unlabelled pool, `[M, H, W, C]` (caller owns them). */
  readonly pool?: tf.Tensor4D;
}

/** A started strategy and the training step that drives it. */
export interface StartedStrategy {
  readonly strategy: TrainingStrategy;
  readonly step: TrainStep;
}

/** Creates the strategy plugin's instance and starts it on fresh networks. */
export async function startStrategy(run: StrategyRun): Promise<StartedStrategy> {
  const { registry, context } = run;
  const segmenter = registry.get("segmenter", run.segmenter.plugin);
  const builders: SegmenterInstance[] = [];
  for (let i = 0; i < MAX_NETWORKS; i++) {
    const seed = i === 0 ? context.seed : deriveSeed(context.seed, `network ${i}`);
    builders.push(await segmenter.create(run.segmenter.options, { ...context, seed }));
  }
  const instance = await registry.get("strategy", run.strategy.plugin)
    .create(run.strategy.options, context);
  const strategy = instance.start({
    build(index) {
      if (!Number.isInteger(index) || index < 0 || index >= MAX_NETWORKS) {
        throw new ConfigError(
          `strategy "${run.strategy.plugin}": network ${index} requested; at most ` +
            `${MAX_NETWORKS} networks (0 to ${MAX_NETWORKS - 1})`,
        );
      }
      const model = builders[index].build(run.spec);
      warnIfFusedSoftmax(model, run.segmenter.plugin, context.log);
      return model;
    },
    loss: run.loss,
    numClasses: run.spec.numClasses,
    imageChannels: run.imageChannels,
    seed: context.seed,
  });
  const augment = isAugmenting(run.augment)
    ? (images: tf.Tensor4D, seed: number) =>
      augmentBatch({ images }, run.augment, seed, run.imageChannels).images
    : undefined;
  const pool: UnlabelledPool | undefined = run.pool && { images: run.pool, augment };
  return { strategy, step: strategyStep(strategy, pool, run.batchSize, context.seed) };
}
