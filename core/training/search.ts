/**
 * A small grid search (the paper: dropout {0.1, 0.2, 0.25} × learning rate {0.1, 0.01,
 * 0.001}): every combination is trained and the one with the lowest validation loss wins.
 * A combination whose loss diverges (NaN, e.g. at learning rate 0.1) loses; it does not
 * fail the run.
 *
 * @module
 */
import { z } from "zod";
import { CampriorError } from "../util/errors.ts";
import { boundedNumber } from "../util/zod_format.ts";
import { type FitResult, LossNotFiniteError } from "./fit.ts";

/** The `search` field of the training settings; a missing list keeps the single setting. */
export const searchSchema = z.strictObject({
  dropout: z.array(boundedNumber(0, 0.9)).min(1, { error: "expected at least one rate" })
    .optional().describe("dropout rates to try (the network plugin needs a dropout option)"),
  learningRate: z.array(
    z.number().gt(0, { error: "expected a learning rate above 0" }).max(10),
  ).min(1, { error: "expected at least one learning rate" }).optional()
    .describe("base learning rates to try"),
});

/** Search settings. */
export type SearchSettings = z.output<typeof searchSchema>;

/** One point of the grid; an absent field keeps the experiment's value. */
export interface Candidate {
  readonly dropout?: number;
  readonly learningRate?: number;
}

/** How one candidate did. */
export interface Trial {
  readonly candidate: Candidate;
  /** Lowest monitored loss of the run; Infinity when it failed. */
  readonly valLoss: number;
  readonly error?: string;
}

/** The winner, its training result, and every trial in grid order. */
export interface SearchOutcome<T> {
  readonly best: Candidate;
  readonly result: T;
  readonly trials: readonly Trial[];
}

/** Every combination of the listed values, dropout-major; `[{}]` without a search. */
export function searchGrid(search: SearchSettings | undefined): Candidate[] {
  const dropouts = search?.dropout ?? [undefined];
  const rates = search?.learningRate ?? [undefined];
  return dropouts.flatMap((dropout) =>
    rates.map((learningRate) => ({
      ...(dropout === undefined ? {} : { dropout }),
      ...(learningRate === undefined ? {} : { learningRate }),
    }))
  );
}

/** `settings` with the candidate's learning rate. */
export function withLearningRate<S extends { readonly learningRate: number }>(
  settings: S,
  candidate: Candidate,
): S {
  return candidate.learningRate === undefined
    ? settings
    : { ...settings, learningRate: candidate.learningRate };
}

/** Plugin options with the candidate's dropout. */
export function withDropout(
  options: Readonly<Record<string, unknown>>,
  candidate: Candidate,
): Record<string, unknown> {
  return candidate.dropout === undefined
    ? { ...options }
    : { ...options, dropout: candidate.dropout };
}

/** The lowest validation loss of a run (training loss when it had no validation set). */
export function bestLoss(fit: FitResult): number {
  return Math.min(...fit.history.map((h) => h.valLoss ?? h.loss));
}

/** A short label, e.g. `dropout 0.2, learning rate 0.01`. */
export function describeCandidate(candidate: Candidate): string {
  const parts = [
    candidate.dropout === undefined ? "" : `dropout ${candidate.dropout}`,
    candidate.learningRate === undefined ? "" : `learning rate ${candidate.learningRate}`,
  ].filter((part) => part !== "");
  return parts.length > 0 ? parts.join(", ") : "as configured";
}

/**
 * Trains every candidate with `train` and keeps the one whose `score` is lowest; the
 * others are passed to `release`. Runs whose loss diverges ({@linkcode LossNotFiniteError})
 * lose; other errors end the search. A single candidate is simply trained: its errors
 * propagate unchanged.
 */
export async function gridSearch<T>(
  candidates: readonly Candidate[],
  train: (candidate: Candidate) => Promise<T>,
  score: (result: T) => number,
  release: (result: T) => void,
): Promise<SearchOutcome<T>> {
  if (candidates.length === 1) {
    const result = await train(candidates[0]);
    return {
      best: candidates[0],
      result,
      trials: [{ candidate: candidates[0], valLoss: score(result) }],
    };
  }
  const trials: Trial[] = [];
  let best: { candidate: Candidate; result: T; loss: number } | undefined;
  for (const candidate of candidates) {
    const run = await attempt(() => train(candidate));
    if ("error" in run) {
      trials.push({ candidate, valLoss: Infinity, error: run.error });
      continue;
    }
    const loss = score(run.result);
    trials.push({ candidate, valLoss: loss });
    if (!best || loss < best.loss) {
      if (best) release(best.result);
      best = { candidate, result: run.result, loss };
    } else {
      release(run.result);
    }
  }
  if (!best) {
    const reasons = trials.map((t) => `${describeCandidate(t.candidate)}: ${t.error}`);
    throw new CampriorError(`every search candidate failed:\n${reasons.join("\n")}`);
  }
  return { best: best.candidate, result: best.result, trials };
}

async function attempt<T>(run: () => Promise<T>): Promise<{ result: T } | { error: string }> {
  try {
    return { result: await run() };
  } catch (error) {
    if (!(error instanceof LossNotFiniteError)) throw error;
    return { error: error.message };
  }
}
