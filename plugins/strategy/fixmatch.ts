/**
 * `fixmatch`: Sohn et al., "FixMatch: Simplifying Semi-Supervised Learning with
 * Consistency and Confidence", NeurIPS 2020, for segmentation as in UniMatch (Yang et al.,
 * "Revisiting Weak-to-Strong Consistency in Semi-Supervised Semantic Segmentation", CVPR
 * 2023; without its feature perturbation and second strong view). The network predicts a
 * weakly augmented unlabelled slice (the experiment's `augment`); pixels whose top class
 * probability reaches `threshold` give pseudo-labels that supervise the network on a
 * strongly augmented view of the same slice (photometric changes, then CutMix within the
 * batch), with the experiment's loss masked to the confident pixels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { seededRandom } from "../../core/util/random.ts";
import { augmentBatch, augmentSchema, isGeometric } from "../../core/training/augment.ts";
import { oneHotTargets } from "../../core/training/losses.ts";
import { cutMixMasks, mixIn } from "../../core/training/photometric.ts";
import { confidenceMask, pseudoLabels } from "../../core/training/pseudo_labels.ts";
import {
  jointForward,
  sigmoidRampUp,
  type StrategyInstance,
  type StrategySetup,
  trainableVariables,
  trainingProgress,
} from "../../core/steps/segmenter/strategy.ts";
import type * as tfl from "@tensorflow/tfjs-layers";

/** UniMatch's strong view for MR slices, scaled to small images. */
const STRONG_DEFAULT = { intensity: 0.3, gamma: 0.3, blur: 1 };

/** Options of `fixmatch`. */
export const fixmatchOptions = z.strictObject({
  /** Confidence a pixel's pseudo-label needs to count (FixMatch, UniMatch: 0.95). */
  threshold: z.number().min(0).max(1).default(0.95),
  /** Weight `λ_u` of the unlabelled loss. */
  weight: z.number().min(0).default(1),
  /** Fraction of training over which `λ_u` ramps up (`exp(−5 (1 − t)²)`; 0: none). */
  rampUp: z.number().min(0).max(1).default(0),
  /** The strong view: photometric augmentation options (no flips, rotations or shifts). */
  strong: augmentSchema.default(augmentSchema.parse(STRONG_DEFAULT)).refine(
    (s) => !isGeometric(s),
    { error: "strong augmentation must not move pixels (the pseudo-labels would not align)" },
  ),
  /** Probability that a strong view gets a CutMix box from another slice of the batch. */
  cutMix: z.number().min(0).max(1).default(0.5),
  /** Unlabelled batches paired with each labelled batch. */
  unlabelledBatches: z.number().int().min(1).max(16).default(1),
});

/** Options of `fixmatch` with defaults filled. */
export type FixmatchOptions = z.output<typeof fixmatchOptions>;

/** The strong view of weakly augmented images, its pseudo-labels and the mask of confident pixels. */
export function strongView(
  model: tfl.LayersModel,
  weak: tf.Tensor4D,
  opts: FixmatchOptions,
  setup: StrategySetup,
  seed: number,
) {
  return tf.tidy(() => {
    const { labels, confidence } = pseudoLabels(
      model.apply(weak, { training: false }) as tf.Tensor4D,
    );
    const [count, height, width] = weak.shape;
    const boxes = cutMixMasks(count, height, width, opts.cutMix, seededRandom(seed));
    const strong = augmentBatch({ images: weak }, opts.strong, seed, setup.imageChannels).images;
    return {
      images: mixIn(strong, boxes),
      target: oneHotTargets(mixIn(labels, boxes), setup.numClasses) as tf.Tensor4D,
      mask: confidenceMask(mixIn(confidence, boxes), opts.threshold),
    };
  });
}

/** The `fixmatch` strategy. */
export function fixmatchStrategy(opts: FixmatchOptions): StrategyInstance {
  return {
    start(setup) {
      const model = setup.build(0);
      const variables = trainableVariables(model);
      return {
        model,
        networks: [model],
        unlabelledBatches: opts.unlabelledBatches,
        step({ labelled, unlabelled, info }, optimizer) {
          const weight = opts.weight * sigmoidRampUp(trainingProgress(info), opts.rampUp);
          const view = unlabelled
            ? strongView(model, unlabelled, opts, setup, info.seed)
            : undefined;
          try {
            return optimizer.minimize(
              () =>
                tf.tidy(() => {
                  const joint = jointForward(setup, model, labelled, view?.images);
                  if (!view || !joint.extra) return joint.supervised;
                  const unsupervised = setup.loss(joint.extra, view.target, view.mask);
                  return tf.add(joint.supervised, tf.mul(unsupervised, weight));
                }) as tf.Scalar,
              true,
              variables,
            )!;
          } finally {
            if (view) tf.dispose([view.images, view.target, view.mask]);
          }
        },
        dispose() {},
      };
    },
  };
}
