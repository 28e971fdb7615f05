/**
 * Runs one step of the graph by kind. Inputs come from the artifact store, so any step whose
 * dependencies are finished can run here, in another process, or on another machine.
 *
 * @module
 */
import type { StepGraph } from "../plan/planner.ts";
import { runClassifierStep } from "./classifier/classifier_step.ts";
import { loadData, runDataStep } from "./data/data_step.ts";
import type { StepEnv } from "./env.ts";
import { runCamStep } from "./prior/cam_step.ts";
import { runPopulationStep } from "./prior/population_step.ts";
import { runPriorStep } from "./prior/prior_step.ts";
import { runSegmenterStep } from "./segmenter/segmenter_step.ts";
import { runSplitStep } from "./split/split_step.ts";
import type { ClassifierStep, Step } from "../plan/step.ts";

/** Runs `step`, whose dependencies must be finished, and stores its artifact. */
export async function runStep(env: StepEnv, graph: StepGraph, step: Step): Promise<void> {
  switch (step.kind) {
    case "data":
      return await runDataStep(env, step);
    case "split":
      return await runSplitStep(env, step);
    case "classifier":
      return await runClassifierStep(env, step);
    case "cam": {
      const byId = (id: string) => graph.steps.find((s) => s.id === id) as ClassifierStep;
      const folds = step.foldClassifierIds.map(byId);
      return await runCamStep(env, step, byId(step.classifierId), folds);
    }
    case "population":
      return await runPopulationStep(env, step);
    case "prior": {
      const source = graph.steps.find((s) => s.id === step.camId);
      const dataId = source && "dataId" in source ? source.dataId : "";
      return await runPriorStep(env, step, (await loadData(env, dataId)).prepared.size);
    }
    case "segmenter":
      return await runSegmenterStep(env, step);
  }
}
