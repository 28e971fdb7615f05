/**
 * `supervised`: the default training strategy. One network learns from the labelled
 * slices only; unlabelled slices are not used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import {
  definePlugin,
  jointForward,
  type StrategyInstance,
  trainableVariables,
} from "../../mod.ts";

/** Options of `supervised` (none). */
export const supervisedOptions = z.strictObject({});

/** The `supervised` strategy. */
export function supervisedStrategy(): StrategyInstance {
  return {
    start(setup) {
      const model = setup.build(0);
      const variables = trainableVariables(model);
      return {
        model,
        networks: [model],
        unlabelledBatches: 0,
        step: ({ labelled }, optimizer) =>
          optimizer.minimize(
            () => tf.tidy(() => jointForward(setup, model, labelled).supervised),
            true,
            variables,
          )!,
        dispose() {},
      };
    },
  };
}

/** The `supervised` strategy plugin (the default). */
export const supervisedPlugin = definePlugin({
  kind: "strategy",
  name: "supervised",
  description: "learns from the labelled slices only (the default)",
  version: "1",
  options: supervisedOptions,
  create: () => supervisedStrategy(),
});
