/**
 * A step's relative amount of work, known from its settings alone: epochs times the share of
 * the patients it trains on (a classifier on all training patients counts in full). Only
 * the order matters: a pool that starts the largest ready steps first does not end a grid
 * with one long cell running alone (longest-processing-time-first scheduling).
 *
 * @module
 */
import type { Step } from "../plan/step.ts";

/** Relative work of `step`; 0 for steps that train nothing (data, split, maps). */
export function relativeWork(step: Step): number {
  const settings = step.settings as {
    readonly training?: { readonly epochs?: number };
    readonly sample?: { readonly size: number };
  };
  const epochs = settings.training?.epochs ?? 0;
  return epochs * (settings.sample?.size ?? 100) / 100;
}
