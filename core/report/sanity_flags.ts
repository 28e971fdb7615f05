/**
 * Sanity flags: what a reader must know before trusting Table 1, each naming its cell. Shown
 * at the top of the report and in the terminal summary.
 *
 * - collapsed segmenter: foreground predicted on < 10% of the truth's foreground area, or
 *   foreground Dice < 0.05 (a background-only model still scores ~0.2 mean IoU with
 *   background, so the paper's metric hides it);
 * - chance-level classifier: the 95% CI of its macro AUC includes 0.5;
 * - weak prior: a prior's IoU with the heart below the population prior's (where hearts
 *   usually are, no image needed);
 * - ties: differences from the baseline that do not survive Holm's correction and the
 *   bootstrap CI (never bolded, never a headline);
 * - seed spread: the per-seed differences disagree in sign or spread wider than the effect;
 * - test set too small: the exact Wilcoxon test cannot reach p < 0.05.
 *
 * @module
 */
import type { ClassifierEvaluation } from "../metrics/classifier_evaluation.ts";
import type { CellResult } from "../run/results.ts";
import { ALPHA, type ComparisonRow } from "./comparisons.ts";

/** Kinds of flag, in the order the report lists them. */
export type FlagKind =
  | "collapsed"
  | "chance-classifier"
  | "weak-prior"
  | "tie"
  | "seed-spread"
  | "small-test-set";

/** One flag. */
export interface SanityFlag {
  readonly kind: FlagKind;
  /** The cell, step or comparison it is about. */
  readonly subject: string;
  readonly message: string;
}

/** A classifier step's evaluation, named. */
export interface ClassifierRow {
  readonly label: string;
  readonly evaluation?: ClassifierEvaluation;
}

/** A prior's overlap with the heart beside the population prior's, same seed. */
export interface PriorCheck {
  readonly prior: string;
  readonly seed: number;
  readonly iou: number;
  readonly populationIou?: number;
}

/** Foreground area below this fraction of the truth's, or fg Dice below 0.05: collapsed. */
export const COLLAPSE_AREA = 0.1;
export const COLLAPSE_DICE = 0.05;

/** Why a finished cell counts as collapsed, or undefined when it does not. */
export function collapseReason(r: CellResult): string | undefined {
  const v = r.volume;
  const dice = v?.foregroundDice ?? r.foregroundMeanDice;
  const area = v && v.truthForeground > 0 ? v.predictedForeground / v.truthForeground : undefined;
  const reasons = [
    ...(area !== undefined && area < COLLAPSE_AREA
      ? [`foreground predicted on ${(100 * area).toFixed(1)}% of the truth's area`]
      : []),
    ...(dice !== undefined && dice < COLLAPSE_DICE ? [`fg Dice ${dice.toFixed(3)}`] : []),
  ];
  return reasons.length > 0 ? reasons.join(", ") : undefined;
}

/** `recipe @ size-label seed n`. */
export function cellName(r: CellResult, labels: ReadonlyMap<number, string>): string {
  return `${r.recipe} @ ${labels.get(r.sampleSize) ?? `${r.sampleSize}%`} seed ${r.seed}`;
}

/** Recipe × size keys with at least one collapsed seed. */
export function collapsedKeys(results: readonly CellResult[]): Set<string> {
  return new Set(
    results.filter((r) => r.status === "done" && collapseReason(r))
      .map((r) => `${r.recipe}\u0000${r.sampleSize}`),
  );
}

const fmt = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(3);

function comparisonFlags(
  rows: readonly ComparisonRow[],
  labels: ReadonlyMap<number, string>,
  collapsed: ReadonlySet<string>,
): SanityFlag[] {
  const flags: SanityFlag[] = [];
  for (const r of rows) {
    const subject = `${r.proposed} vs ${r.baseline} @ ${labels.get(r.sampleSize)}`;
    const broken = [r.proposed, r.baseline].filter((x) =>
      collapsed.has(`${x}\u0000${r.sampleSize}`)
    );
    if (r.verdict === "tie" || r.verdict === "untested" || broken.length > 0) {
      const ci = r.improvementCi
        ? `, 95% CI [${fmt(r.improvementCi.low)}, ${fmt(r.improvementCi.high)}]`
        : ", no CI";
      const why = broken.length > 0
        ? `${broken.join(" and ")} collapsed, so the difference means nothing`
        : `improvement ${fmt(r.improvement)}${ci}, p ` +
          `${r.wilcoxon?.pValue.toPrecision(2) ?? "n/a"} (Holm ` +
          `${Number.isNaN(r.pHolm) ? "n/a" : r.pHolm.toPrecision(2)}) over ${r.patients} patients`;
      flags.push({ kind: "tie", subject, message: `within ties: ${why}` });
    }
    if (r.seedSpreadExceedsEffect) {
      flags.push({
        kind: "seed-spread",
        subject,
        message: `per-seed differences ${r.perSeedDifference.map(fmt).join(", ")} ` +
          `spread wider than the mean effect ${fmt(r.meanDifference)}`,
      });
    }
  }
  const tooFew = rows.filter((r) => r.smallestPossibleP >= ALPHA);
  if (tooFew.length > 0) {
    const n = Math.max(...tooFew.map((r) => r.patients));
    flags.push({
      kind: "small-test-set",
      subject: "statistics",
      message: `${n} test patients: the smallest two-sided p the exact Wilcoxon test can give ` +
        `is ${tooFew[0].smallestPossibleP.toPrecision(3)}, so no comparison can reach p < ${ALPHA}`,
    });
  }
  return flags;
}

/** Every flag of a report. */
export function sanityFlags(input: {
  readonly results: readonly CellResult[];
  readonly labels: ReadonlyMap<number, string>;
  readonly comparisons: readonly ComparisonRow[];
  readonly classifiers: readonly ClassifierRow[];
  readonly priors: readonly PriorCheck[];
}): SanityFlag[] {
  const collapsed = input.results.flatMap((r): SanityFlag[] => {
    const reason = r.status === "done" ? collapseReason(r) : undefined;
    return reason
      ? [{ kind: "collapsed", subject: cellName(r, input.labels), message: `collapsed: ${reason}` }]
      : [];
  });
  const classifiers = input.classifiers.flatMap(({ label, evaluation: e }): SanityFlag[] => {
    if (!e) return [];
    if (!e.macroAucCi) {
      return [{
        kind: "chance-classifier",
        subject: label,
        message: `macro AUC ${e.macroAuc.toFixed(3)} on ${e.patients} test patients: too few ` +
          `to tell it from chance`,
      }];
    }
    const { low, high } = e.macroAucCi;
    return low <= 0.5 && high >= 0.5
      ? [{
        kind: "chance-classifier",
        subject: label,
        message: `macro AUC ${e.macroAuc.toFixed(3)}, 95% CI [${low.toFixed(3)}, ` +
          `${high.toFixed(3)}] includes chance (0.5)`,
      }]
      : [];
  });
  const priors = input.priors.flatMap((p): SanityFlag[] =>
    p.populationIou !== undefined && p.iou < p.populationIou
      ? [{
        kind: "weak-prior",
        subject: `${p.prior} seed ${p.seed}`,
        message: `IoU with the heart ${p.iou.toFixed(3)}, below the population prior's ` +
          `${p.populationIou.toFixed(3)}`,
      }]
      : []
  );
  const comparisons = comparisonFlags(
    input.comparisons,
    input.labels,
    collapsedKeys(input.results),
  );
  return [...collapsed, ...classifiers, ...priors, ...comparisons];
}
