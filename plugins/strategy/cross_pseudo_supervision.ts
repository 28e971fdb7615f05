/**
 * `cross-pseudo-supervision`: Chen et al., "Semi-Supervised Semantic Segmentation with
 * Cross Pseudo Supervision", CVPR 2021. Two networks of the same architecture, initialised
 * differently, each learn from the labelled slices and from the other's hard pseudo-labels
 * (argmax, no gradient) on labelled and unlabelled slices alike. Network 0 is evaluated.
 * A step costs about twice a step of the other strategies (two networks learn).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { segmentationLoss } from "../../core/training/losses.ts";
import { hardPseudoLabels } from "../../core/training/pseudo_labels.ts";
import {
  jointForward,
  sigmoidRampUp,
  type StrategyInstance,
  trainableVariables,
  trainingProgress,
} from "../../core/steps/segmenter/strategy.ts";

/** Options of `cross-pseudo-supervision`. */
export const cpsOptions = z.strictObject({
  /** Weight `λ` of the cross pseudo supervision loss (the paper: 1.5 on Cityscapes). */
  weight: z.number().min(0).default(1),
  /** Fraction of training over which `λ` ramps up (`exp(−5 (1 − t)²)`; 0: none). */
  rampUp: z.number().min(0).max(1).default(0.4),
  /** Unlabelled batches paired with each labelled batch. */
  unlabelledBatches: z.number().int().min(1).max(16).default(1),
});

/** Options of `cross-pseudo-supervision` with defaults filled. */
export type CpsOptions = z.output<typeof cpsOptions>;

/** The `cross-pseudo-supervision` strategy. */
export function cpsStrategy(opts: CpsOptions): StrategyInstance {
  return {
    start(setup) {
      const nets = [setup.build(0), setup.build(1)];
      const variables = trainableVariables(...nets);
      const crossEntropy = segmentationLoss("crossentropy");
      return {
        model: nets[0],
        networks: nets,
        unlabelledBatches: opts.unlabelledBatches,
        step({ labelled, unlabelled, info }, optimizer) {
          const weight = opts.weight * sigmoidRampUp(trainingProgress(info), opts.rampUp);
          return optimizer.minimize(
            () =>
              tf.tidy(() => {
                const joint = nets.map((net) => jointForward(setup, net, labelled, unlabelled));
                const pseudo = joint.map(({ output }) => hardPseudoLabels(output.probs));
                const cross = joint.map(({ output }, i) => crossEntropy(output, pseudo[1 - i]));
                const supervised = joint.map((j) => j.supervised);
                return tf.addN([...supervised, tf.mul(tf.addN(cross), weight)]);
              }) as tf.Scalar,
            true,
            variables,
          )!;
        },
        dispose() {
          nets[1].dispose();
        },
      };
    },
  };
}
