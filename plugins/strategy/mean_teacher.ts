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
import {
  copyWeights,
  definePlugin,
  deriveSeed,
  emaUpdate,
  globalStep,
  jointForward,
  probabilityMse,
  sigmoidRampUp,
  type StrategyInstance,
  trainableVariables,
  trainingProgress,
} from "../../mod.ts";
import { unlabelledBatchesOption } from "./unlabelled_batches.ts";

/** Options of `mean-teacher`. */
export const meanTeacherOptions = z.strictObject({
  consistency: z.number().min(0).default(1).describe(
    "weight of the consistency loss, the mean squared difference of student and teacher " +
      "probabilities (Tarvainen & Valpola 2017; SSL4MIS: 0.1 on ACDC)",
  ),
  rampUp: z.number().min(0).max(1).default(0.4).describe(
    "fraction of training over which the consistency weight ramps up as exp(−5 (1 − t)²) " +
      "(Laine & Aila 2017); 0: full weight from the start",
  ),
  decay: z.number().min(0).max(1).default(0.99).describe(
    "EMA decay α of the teacher's weights, min(1 − 1/(step + 1), α) per step (the paper: 0.99)",
  ),
  noise: z.number().min(0).max(1).default(0.1)
    .describe("standard deviation of the Gaussian noise on the teacher's input (clipped at ±2σ)"),
  unlabelledBatches: unlabelledBatchesOption,
  evaluate: z.enum(["student", "teacher"]).default("teacher")
    .describe("which network is validated, kept and evaluated"),
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

/** The `mean-teacher` strategy plugin. */
export const meanTeacherPlugin = definePlugin({
  kind: "strategy",
  name: "mean-teacher",
  description: "EMA teacher, consistency on unlabelled slices (Tarvainen & Valpola 2017)",
  version: "1",
  options: meanTeacherOptions,
  create: (opts) => meanTeacherStrategy(opts),
  // Measured ×1.83 a supervised step with one unlabelled batch (bench/ssl_cost.ts, 64² U-Net,
  // wasm, 2-core dev machine, load 12, 2026-11-30).
  stepCost: (o) => 1 + 0.83 * Number(o.unlabelledBatches ?? 1),
});
