/**
 * `population` prior source, a control for "where hearts usually are": the mean heart mask
 * (RV ∪ MYO ∪ LV) of the labelled training slices at the cell's sample size, one map for
 * every slice; with `threshold`, 1 where the heart frequency reaches it, else 0.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError, definePlugin, populationPrior } from "../../mod.ts";

/** The `population` prior source. */
export const populationPriorPlugin = definePlugin({
  kind: "prior",
  name: "population",
  description:
    "control: mean heart mask of the labelled training patients (where hearts usually are)",
  version: "1",
  options: z.strictObject({
    /** When set, a mask: 1 where the heart frequency is at least this, else 0. */
    threshold: z.number().min(0).max(1).optional()
      .describe("when set, a mask: 1 where the heart frequency reaches it, else 0"),
  }),
  needs: { labels: true },
  create: ({ threshold }) => ({
    maps: ({ labelled }) => {
      if (!labelled || labelled.count === 0) {
        throw new ConfigError("the population prior needs labelled training slices");
      }
      const { size } = labelled;
      return Promise.resolve(populationPrior(labelled.labels, size, size, { threshold }).data);
    },
  }),
});
