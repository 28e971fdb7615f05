/**
 * The population step: the population prior (mean heart mask of the labelled training
 * patients at a sample size), a control for "where hearts usually are".
 *
 * @module
 */
import { join } from "node:path";
import type { PopulationStep } from "../../plan/step.ts";
import { writeArray } from "../../run/artifact_store.ts";
import { loadData } from "../data/data_step.ts";
import { patientSubset } from "../data/subsets.ts";
import { describeStep, type StepEnv } from "../env.ts";
import { loadSplit, sampledPatients } from "../split/split_step.ts";
import { populationPrior } from "./population_prior.ts";

/**
 * Computes the population prior: the mean heart mask of the slices of the training patients
 * that have segmentation labels at the step's sample size. One map serves every slice, so
 * only it is stored.
 */
export async function runPopulationStep(env: StepEnv, step: PopulationStep): Promise<void> {
  const { settings } = step;
  const data = await loadData(env, settings.data);
  const split = await loadSplit(env, settings.split);
  const labelled = sampledPatients(data, split, settings.sample.size, settings.seed).train;
  const { slices } = patientSubset(data.prepared, new Map(), labelled);
  const { size } = slices;
  const prior = populationPrior(slices.labels, size, size, { threshold: settings.threshold });
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "map.f32"), prior.data);
    await Deno.writeTextFile(
      join(dir, "index.json"),
      JSON.stringify({ count: data.prepared.count, slicesUsed: slices.count }),
    );
  });
}
