/**
 * Runs one step of the graph by kind. Inputs come from the artifact store, so any step whose
 * dependencies are finished can run here, in another process, or on another machine.
 *
 * @module
 */
import { runClassifierStep } from "./classifier/classifier_step.ts";
import { runDataStep } from "./data/data_step.ts";
import type { StepEnv } from "./env.ts";
import { runSourceStep } from "./prior/source_step.ts";
import { runPriorStep } from "./prior/prior_step.ts";
import { runSegmenterStep } from "./segmenter/segmenter_step.ts";
import { runSplitStep } from "./split/split_step.ts";
import type { Step } from "../plan/step.ts";

/** Runs `step`, whose dependencies must be finished, and stores its artifact. */
export async function runStep(env: StepEnv, step: Step): Promise<void> {
  env.store.began(step.id);
  switch (step.kind) {
    case "data":
      return await runDataStep(env, step);
    case "split":
      return await runSplitStep(env, step);
    case "classifier":
      return await runClassifierStep(env, step);
    case "source":
      return await runSourceStep(env, step);
    case "prior":
      return await runPriorStep(env, step);
    case "segmenter":
      return await runSegmenterStep(env, step);
  }
}
