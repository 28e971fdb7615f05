/**
 * `fixmatch`: Sohn et al., "FixMatch: Simplifying Semi-Supervised Learning with
 * Consistency and Confidence", NeurIPS 2020, for segmentation as in UniMatch (Yang et al.,
 * "Revisiting Weak-to-Strong Consistency in Semi-Supervised Semantic Segmentation", CVPR
 * 2023; `views: 2` gives its dual strong views, its feature perturbation is left out). The
 * network predicts a weakly augmented unlabelled slice (the experiment's `augment`); pixels
 * whose top class probability reaches `threshold` give pseudo-labels that supervise the
 * network on strongly augmented views of the same slice (photometric changes, then CutMix
 * within the batch), with the experiment's loss masked to the confident pixels. With
 * `ema` > 0 an exponential moving average of the network (Tarvainen & Valpola, NeurIPS
 * 2017) makes the pseudo-labels and is the network evaluated.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { z } from "zod";
import {
  augmentBatch,
  augmentSchema,
  confidenceMask,
  copyWeights,
  cutMixMasks,
  definePlugin,
  deriveSeed,
  emaUpdate,
  globalStep,
  isGeometric,
  jointForward,
  mixIn,
  oneHotTargets,
  outputRows,
  pseudoLabels,
  seededRandom,
  type SegmenterOutput,
  sigmoidRampUp,
  type StrategyInstance,
  type StrategySetup,
  trainableVariables,
  trainingProgress,
} from "../../mod.ts";
import { unlabelledBatchesOption } from "./unlabelled_batches.ts";

/** UniMatch's strong view for MR slices, scaled to small images. */
const STRONG_DEFAULT = { intensity: 0.3, gamma: 0.3, blur: 1 };

/** Options of `fixmatch`. */
export const fixmatchOptions = z.strictObject({
  threshold: z.number().min(0).max(1).default(0.95).describe(
    "confidence a pixel's pseudo-label needs to count; pixels below are masked out of the " +
      "unlabelled loss (FixMatch, Sohn et al. 2020, and UniMatch, Yang et al. 2023: 0.95)",
  ),
  weight: z.number().min(0).default(1)
    .describe("weight λ_u of the unlabelled loss (FixMatch, UniMatch: 1)"),
  rampUp: z.number().min(0).max(1).default(0).describe(
    "fraction of training over which λ_u ramps up as exp(−5 (1 − t)²); 0: none (FixMatch)",
  ),
  strong: augmentSchema.default(augmentSchema.parse(STRONG_DEFAULT)).refine(
    (s) => !isGeometric(s),
    { error: "strong augmentation must not move pixels (the pseudo-labels would not align)" },
  ).describe(
    "the strong view: photometric augmentation options (intensity, gamma, blur, noise, " +
      "cutout; no flips, rotations or shifts); the weak view is the experiment's augment",
  ),
  cutMix: z.number().min(0).max(1).default(0.5).describe(
    "probability that a strong view gets a CutMix box from another slice of the batch " +
      "(UniMatch: 0.5)",
  ),
  views: z.number().int().min(1).max(4).default(1).describe(
    "strong views per unlabelled slice, each with its own augmentation and CutMix " +
      "(UniMatch's dual views: 2)",
  ),
  ema: z.number().min(0).max(1).default(0).describe(
    "decay of an EMA teacher that makes the pseudo-labels and is evaluated (as in Mean " +
      "Teacher); 0: the network labels for itself (FixMatch, UniMatch)",
  ),
  unlabelledBatches: unlabelledBatchesOption,
});

/** Options of `fixmatch` with defaults filled. */
export type FixmatchOptions = z.output<typeof fixmatchOptions>;

/** A strong view of unlabelled slices with its pseudo-labels and confident-pixel mask. */
export interface StrongView {
  readonly images: tf.Tensor4D;
  /** One-hot pseudo-labels `[N, H, W, classes]`. */
  readonly target: tf.Tensor4D;
  /** 1 where the pseudo-label's confidence reaches the threshold. */
  readonly mask: tf.Tensor3D;
}

/**
 * `opts.views` strong views of weakly augmented slices: `teacher` labels the weak view,
 * then each view gets its own photometric augmentation and CutMix (seeded from `seed` and
 * the view's index), applied alike to images, pseudo-labels and confidences.
 */
export function strongViews(
  teacher: tfl.LayersModel,
  weak: tf.Tensor4D,
  opts: FixmatchOptions,
  setup: StrategySetup,
  seed: number,
): StrongView[] {
  return tf.tidy(() => {
    const { labels, confidence } = pseudoLabels(
      teacher.apply(weak, { training: false }) as tf.Tensor4D,
    );
    const [count, height, width] = weak.shape;
    return Array.from({ length: opts.views }, (_, view) => {
      const viewSeed = deriveSeed(seed, `strong view ${view}`);
      const boxes = cutMixMasks(count, height, width, opts.cutMix, seededRandom(viewSeed));
      const strong = augmentBatch({ images: weak }, opts.strong, viewSeed, setup.imageChannels);
      return {
        images: mixIn(strong.images, boxes),
        target: oneHotTargets(mixIn(labels, boxes), setup.numClasses) as tf.Tensor4D,
        mask: confidenceMask(mixIn(confidence, boxes), opts.threshold),
      };
    });
  });
}

/** The mean over views of the experiment's loss on each view's confident pixels. */
function unlabelledLoss(setup: StrategySetup, output: SegmenterOutput, views: StrongView[]) {
  const rows = views[0].images.shape[0];
  const losses = views.map((view, k) =>
    setup.loss(outputRows(output, k * rows, rows), view.target, view.mask)
  );
  return tf.div(tf.addN(losses), views.length);
}

/** The `fixmatch` strategy. */
export function fixmatchStrategy(opts: FixmatchOptions): StrategyInstance {
  return {
    start(setup) {
      const model = setup.build(0);
      const teacher = opts.ema > 0 ? setup.build(0) : model;
      if (teacher !== model) copyWeights(model, teacher);
      const variables = trainableVariables(model);
      return {
        model: teacher,
        networks: teacher === model ? [model] : [model, teacher],
        unlabelledBatches: opts.unlabelledBatches,
        step({ labelled, unlabelled, info }, optimizer) {
          const weight = opts.weight * sigmoidRampUp(trainingProgress(info), opts.rampUp);
          const views = unlabelled ? strongViews(teacher, unlabelled, opts, setup, info.seed) : [];
          const images = views.length > 0 ? tf.concat(views.map((v) => v.images)) : undefined;
          let loss: tf.Scalar;
          try {
            loss = optimizer.minimize(
              () =>
                tf.tidy(() => {
                  const joint = jointForward(setup, model, labelled, images as tf.Tensor4D);
                  if (!joint.extra) return joint.supervised;
                  const unsupervised = unlabelledLoss(setup, joint.extra, views);
                  return tf.add(joint.supervised, tf.mul(unsupervised, weight));
                }) as tf.Scalar,
              true,
              variables,
            )!;
          } finally {
            tf.dispose([
              ...views.flatMap((v) => [v.images, v.target, v.mask]),
              ...(images ? [images] : []),
            ]);
          }
          if (teacher !== model) emaUpdate(model, teacher, opts.ema, globalStep(info));
          return loss;
        },
        dispose() {
          if (teacher !== model) model.dispose();
        },
      };
    },
  };
}

/** The `fixmatch` strategy plugin. */
export const fixmatchPlugin = definePlugin({
  kind: "strategy",
  name: "fixmatch",
  description:
    "confident pseudo-labels of a weak view supervise strong views (Sohn et al. 2020; UniMatch)",
  version: "1",
  options: fixmatchOptions,
  create: (opts) => fixmatchStrategy(opts),
  // Measured ×2.20 a supervised step with one unlabelled batch and one view (bench/ssl_cost.ts,
  // 64² U-Net, wasm, 2-core dev machine, load 12, 2026-11-30); grows with the rows trained on.
  stepCost: (o) => 1 + 1.2 * Number(o.unlabelledBatches ?? 1) * Number(o.views ?? 1),
});
