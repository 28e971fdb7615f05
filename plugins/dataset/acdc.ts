/**
 * `acdc`: the official ACDC download (`patientXXX/Info.cfg`,
 * `patientXXX_frameYY[_gt].nii.gz`), ED and ES frames as 2-D slices with spacing.
 *
 * @module
 */
import { z } from "zod";
import { readAcdcFolder } from "./formats/acdc_layout.ts";
import { requireDataRoot } from "./formats/read_file.ts";
import { definePlugin, formatCohortSummary, summarizeCohort } from "../../mod.ts";

const options = z.strictObject({
  root: z.string().default("")
    .describe("folder with patientXXX/ folders, or with training/ and testing/ (--data)"),
});

/** The `acdc` dataset plugin. */
export const acdcDatasetPlugin = definePlugin({
  kind: "dataset",
  name: "acdc",
  description: "ACDC in its official NIfTI layout (patientXXX/Info.cfg, *_frameYY[_gt].nii.gz)",
  version: "1",
  options,
  create: (opts, ctx) => ({
    load: async () => {
      const root = requireDataRoot(opts.root, "acdc");
      const cohort = await readAcdcFolder(root, { signal: ctx.signal });
      ctx.log.info(`acdc ${opts.root}:\n${formatCohortSummary(summarizeCohort(cohort))}`);
      return cohort;
    },
  }),
});
