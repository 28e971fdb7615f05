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
import { z } from "zod";
import { deriveSeed, seededRandom } from "../../core/util/random.ts";
import { augmentBatch, augmentSchema, isGeometric } from "../../core/training/augment.ts";
import { copyWeights, emaUpdate } from "../../core/training/ema.ts";
import { oneHotTargets, type SegmenterOutput } from "../../core/training/losses.ts";
import { cutMixMasks, mixIn } from "../../core/training/photometric.ts";
import { confidenceMask, pseudoLabels } from "../../core/training/pseudo_labels.ts";
import {
  globalStep,
  jointForward,
  sigmoidRampUp,
  type StrategyInstance,
  type StrategySetup,
  trainableVariables,
  trainingProgress,
} from "../../core/steps/segmenter/strategy.ts";
import { outputRows } from "../../core/steps/segmenter/segmenter_output.ts";
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
  /** Strong views per unlabelled slice, each with its own augmentation and CutMix (UniMatch: 2). */
  views: z.number().int().min(1).max(4).default(1),
  /**
   * Decay of an EMA teacher that makes the pseudo-labels and is evaluated (as in Mean
   * Teacher); 0: the network labels for itself (FixMatch, UniMatch).
   */
  ema: z.number().min(0).max(1).default(0),
  /** Unlabelled batches paired with each labelled batch. */
  unlabelledBatches: z.number().int().min(1).max(16).default(1),
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
