/**
 * What an executor tells the runner while it works: the steps it will run, and each step's
 * start and end. The runner turns these into the grid's progress lines and `run.json`.
 *
 * @module
 */
import type { Step } from "../plan/step.ts";

/** Hooks an executor calls; every one is optional to honour. */
export interface StepEvents {
  /** The steps this run computes, in order, and the finished steps it reuses. */
  planned(todo: readonly Step[], reused: readonly string[]): Promise<void>;
  /** `position` counts from 1 among the steps this run computes. */
  started(step: Step, position: number): Promise<void>;
  finished(step: Step, seconds: number): Promise<void>;
  /** Failed, or skipped because a step it needs failed. */
  failed(step: Step, error: string): Promise<void>;
}

/** Events that do nothing. */
export const noStepEvents: StepEvents = {
  planned: () => Promise.resolve(),
  started: () => Promise.resolve(),
  finished: () => Promise.resolve(),
  failed: () => Promise.resolve(),
};
