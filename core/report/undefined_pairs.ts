/**
 * Volume × structure pairs whose HD95 is undefined (the structure missed entirely or
 * hallucinated). A cell's HD95 mean skips them, so a model that misses hard structures can
 * look better in HD95 than one that finds them roughly; the tables mark such cells with
 * {@linkcode UNDEFINED_MARK} and a note gives how many pairs each mean rests on.
 *
 * @module
 */
import { STRUCTURES } from "../metrics/volume_evaluation.ts";
import type { CellResult } from "../run/results.ts";

/** The mark of a table value whose mean skips undefined pairs. */
export const UNDEFINED_MARK = "†";

/** `undefined` of `pairs` volume × structure pairs have no value. */
export interface UndefinedPairs {
  readonly undefined: number;
  readonly pairs: number;
}

/** A cell's pairs without HD95, or undefined when it has no volume summary. */
export function undefinedHd95Pairs(result: CellResult): UndefinedPairs | undefined {
  const v = result.volume;
  if (!v || !Number.isFinite(v.undefinedDistances)) return undefined;
  return { undefined: v.undefinedDistances, pairs: v.volumes * STRUCTURES.length };
}

/** The sum of counts (seeds of a cell, cells of a column), or undefined when none has one. */
export function sumPairs(
  counts: readonly (UndefinedPairs | undefined)[],
): UndefinedPairs | undefined {
  const known = counts.filter((c) => c !== undefined);
  if (known.length === 0) return undefined;
  return {
    undefined: known.reduce((n, c) => n + c.undefined, 0),
    pairs: known.reduce((n, c) => n + c.pairs, 0),
  };
}

/** Whether a value with these counts is marked: some pair was skipped. */
export function isMarked(counts: UndefinedPairs | undefined): counts is UndefinedPairs {
  return counts !== undefined && counts.undefined > 0;
}

/**
 * The note under a table with marked values (`where` names each, e.g. `15% (10 pts), 1Ch`),
 * or undefined when nothing is marked.
 */
export function undefinedPairsNote(
  marked: readonly { readonly where: string; readonly counts: UndefinedPairs }[],
): string | undefined {
  if (marked.length === 0) return undefined;
  const list = marked.map((m) => `${m.where}: ${m.counts.undefined} of ${m.counts.pairs}`);
  return `${UNDEFINED_MARK} HD95 undefined for k of n volume × structure pairs (structure ` +
    `missed or hallucinated); the mean skips them. k and n are summed over the cell's seeds ` +
    `(Average: over its column): ${list.join("; ")}.`;
}
