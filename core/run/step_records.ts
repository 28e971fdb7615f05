/**
 * Running one step with its own log file, and where steps leave their records in an
 * output folder: `<out>/logs/<id>.log` and, when a step failed, `<out>/failures/<id>.json`.
 *
 * @module
 */
import { join } from "node:path";
import type { Step } from "../plan/step.ts";
import type { StepFailure } from "../plugin/executor.ts";
import { forget, type StepEnv } from "../steps/env.ts";
import { runStep } from "../steps/run_step.ts";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { withConsoleTo } from "../util/console_capture.ts";
import { errorText, InterruptedError } from "../util/errors.ts";
import { fsError, isEnvironmentalFsError } from "../util/fs_errors.ts";
import { fileLogger, teeLogger } from "../util/logger.ts";

/** Path of the log file of a step. */
export function stepLogPath(outDir: string, id: string): string {
  return join(outDir, "logs", `${id}.log`);
}

/** Path of the failure record of a step. */
export function failurePath(outDir: string, id: string): string {
  return join(outDir, "failures", `${id}.json`);
}

/**
 * Runs `step` (its dependencies finished) with its own log file, clearing an old failure
 * record when it succeeds and writing one when it fails (not when interrupted). What plugins
 * print meanwhile goes to the step log. What this process had loaded of the step's artifact
 * (an older, replaced one) is forgotten. A filesystem error every later step would hit too
 * (read-only, full, forbidden) is thrown as one line naming the path, not recorded.
 */
export async function runRecorded(env: StepEnv, step: Step): Promise<void> {
  const stepLog = fileLogger(stepLogPath(env.outDir, step.id));
  stepLog.info(`start ${step.label}`);
  forget(env, step.id); // what this process loaded of an older artifact of this step
  try {
    const stepEnv = { ...env, log: teeLogger(env.log, stepLog), stepLog };
    await withConsoleTo(stepLog, () => runStep(stepEnv, step));
    stepLog.info("finished");
    forget(env, step.id);
    await Deno.remove(failurePath(env.outDir, step.id)).catch(() => {});
  } catch (error) {
    if (error instanceof InterruptedError) stepLog.warn("interrupted");
    else if (isEnvironmentalFsError(error)) throw fsError(error, env.outDir);
    else {
      const message = errorText(error);
      stepLog.warn(`failed: ${message}`);
      const failure: StepFailure = { id: step.id, label: step.label, error: message };
      await writeTextAtomic(failurePath(env.outDir, step.id), JSON.stringify(failure, null, 2));
    }
    throw error;
  }
}
