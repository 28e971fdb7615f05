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
import {
  definePlugin,
  hardPseudoLabels,
  jointForward,
  segmentationLoss,
  sigmoidRampUp,
  type StrategyInstance,
  trainableVariables,
  trainingProgress,
} from "../../mod.ts";
import { unlabelledBatchesOption } from "./unlabelled_batches.ts";

/** Options of `cross-pseudo-supervision`. */
export const cpsOptions = z.strictObject({
  weight: z.number().min(0).default(1).describe(
    "weight λ of the cross pseudo supervision loss (Chen et al. 2021: 1.5 on Cityscapes; " +
      "SSL4MIS uses a ramped 0.1 on ACDC)",
  ),
  rampUp: z.number().min(0).max(1).default(0.4).describe(
    "fraction of training over which λ ramps up as exp(−5 (1 − t)²); 0: full weight at once",
  ),
  unlabelledBatches: unlabelledBatchesOption,
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

/** The `cross-pseudo-supervision` strategy plugin. */
export const cpsPlugin = definePlugin({
  kind: "strategy",
  name: "cross-pseudo-supervision",
  description: "two networks teach each other with hard pseudo-labels (Chen et al. 2021)",
  version: "1",
  options: cpsOptions,
  create: (opts) => cpsStrategy(opts),
  // Two networks; measured ×3.38 a supervised step with one unlabelled batch
  // (bench/ssl_cost.ts, 64² U-Net, wasm, 2-core dev machine, load 12, 2026-11-30).
  stepCost: (o) => 2 + 1.38 * Number(o.unlabelledBatches ?? 1),
});
