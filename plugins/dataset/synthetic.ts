/**
 * `synthetic`: the embedded default cohort. A seeded generator of ACDC-like short-axis cine
 * slices (anatomy by diagnosis, ED/ES, base→apex, chest around the heart, noise and bias
 * field), written under the work folder in the official ACDC layout and read back with the
 * same reader as `acdc`.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { readAcdcFolder } from "./formats/acdc_layout.ts";
import { writeSyntheticAcdc } from "./synthetic/cohort.ts";
import { definePlugin, formatCohortSummary, hashOf, summarizeCohort } from "../../mod.ts";

const VERSION = "1";

const options = z.strictObject({
  patientsPerGroup: z.number().int().min(1).max(200).default(8)
    .describe("patients per diagnostic group (5 groups)"),
  imageSize: z.number().int().min(32).max(512).default(96)
    .describe("side of the square slices in pixels"),
  slices: z.number().int().min(1).max(30).default(6)
    .describe("short-axis slices per volume, base to apex"),
});

/** The `synthetic` dataset plugin. */
export const syntheticDatasetPlugin = definePlugin({
  kind: "dataset",
  name: "synthetic",
  description: "seeded ACDC-like cine slices, written as ACDC NIfTI files and read back",
  version: VERSION,
  options,
  create: (opts, ctx) => ({
    load: async () => {
      const dir = join(ctx.workDir, `synthetic-acdc-${hashOf({ VERSION, opts, seed: ctx.seed })}`);
      await writeSyntheticAcdc(dir, opts, ctx.seed);
      const cohort = await readAcdcFolder(dir, { signal: ctx.signal });
      ctx.log.info(`synthetic ${dir}:\n${formatCohortSummary(summarizeCohort(cohort))}`);
      return cohort;
    },
  }),
});
