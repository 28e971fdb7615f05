/**
 * `mean-teacher`: Tarvainen & Valpola, "Mean teachers are better role models", NeurIPS 2017,
 * as SSL4MIS applies it to ACDC (Luo et al.). The student learns from the labelled slices
 * and, on unlabelled slices, to match the class probabilities of a teacher whose weights
 * are an exponential moving average of the student's; the teacher sees the slice with
 * Gaussian noise added. The consistency weight ramps up with `exp(−5 (1 − t)²)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { copyWeights, emaUpdate } from "../../core/training/ema.ts";
import { probabilityMse } from "../../core/training/pseudo_labels.ts";
import {
  globalStep,
  jointForward,
  sigmoidRampUp,
  type StrategyInstance,
  trainableVariables,
  trainingProgress,
} from "../../core/steps/segmenter/strategy.ts";
import { deriveSeed } from "../../core/util/random.ts";

/** Options of `mean-teacher`. */
export const meanTeacherOptions = z.strictObject({
  /** Weight of the consistency loss (mean squared difference of probabilities). */
  consistency: z.number().min(0).default(1),
  /** Fraction of training over which the consistency weight ramps up. */
  rampUp: z.number().min(0).max(1).default(0.4),
  /** EMA decay `α` of the teacher's weights (reached after `1/(1 − α)` steps). */
  decay: z.number().min(0).max(1).default(0.99),
  /** Standard deviation of the Gaussian noise on the teacher's input (clipped at ±2σ). */
  noise: z.number().min(0).max(1).default(0.1),
  /** Unlabelled batches paired with each labelled batch. */
  unlabelledBatches: z.number().int().min(1).max(16).default(1),
  /** Which network is validated and evaluated. */
  evaluate: z.enum(["student", "teacher"]).default("teacher"),
});

/** Options of `mean-teacher` with defaults filled. */
export type MeanTeacherOptions = z.output<typeof meanTeacherOptions>;

/** The `mean-teacher` strategy. */
export function meanTeacherStrategy(opts: MeanTeacherOptions): StrategyInstance {
  return {
    start(setup) {
      const student = setup.build(0);
      const teacher = setup.build(0);
      copyWeights(student, teacher);
      const variables = trainableVariables(student);
      const teacherProbs = (images: tf.Tensor4D, seed: number) =>
        tf.tidy(() => {
          const noise = tf.clipByValue(
            tf.randomNormal(images.shape, 0, opts.noise, "float32", seed),
            -2 * opts.noise,
            2 * opts.noise,
          );
          return teacher.apply(tf.add(images, noise), { training: false }) as tf.Tensor4D;
        });
      return {
        model: opts.evaluate === "teacher" ? teacher : student,
        networks: [student, teacher],
        unlabelledBatches: opts.unlabelledBatches,
        step({ labelled, unlabelled, info }, optimizer) {
          const weight = opts.consistency *
            sigmoidRampUp(trainingProgress(info), opts.rampUp);
          const target = unlabelled
            ? teacherProbs(unlabelled, deriveSeed(info.seed, "teacher noise"))
            : undefined;
          const loss = optimizer.minimize(
            () =>
              tf.tidy(() => {
                const joint = jointForward(setup, student, labelled, unlabelled);
                if (!target || !joint.extra) return joint.supervised;
                const consistency = probabilityMse(joint.extra.probs, target);
                return tf.add(joint.supervised, tf.mul(consistency, weight));
              }) as tf.Scalar,
            true,
            variables,
          )!;
          target?.dispose();
          emaUpdate(student, teacher, opts.decay, globalStep(info));
          return loss;
        },
        dispose() {
          (opts.evaluate === "teacher" ? student : teacher).dispose();
        },
      };
    },
  };
}
