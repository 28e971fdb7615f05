/**
 * Sanity flags as the reader meets them: a box at the top of `index.html`, and lines in the
 * terminal summary.
 *
 * @module
 */
import type { FlagKind, SanityFlag } from "./sanity_flags.ts";
import { escapeHtml } from "./table1.ts";

/** Heading of each kind. */
export const FLAG_TITLES: Record<FlagKind, string> = {
  "collapsed": "Collapsed segmenters (predict (almost) only background)",
  "chance-classifier": "Classifiers no better than chance",
  "weak-prior": "Priors worse than the population prior",
  "tie": "Differences within ties (not bolded, not a headline)",
  "seed-spread": "Seed spread exceeds the effect",
  "small-test-set": "Test set too small for significance",
};

function byKind(flags: readonly SanityFlag[]): [FlagKind, SanityFlag[]][] {
  const kinds = Object.keys(FLAG_TITLES) as FlagKind[];
  return kinds.map((k) => [k, flags.filter((f) => f.kind === k)] as [FlagKind, SanityFlag[]])
    .filter(([, list]) => list.length > 0);
}

/** The flags box of the report. */
export function flagsHtml(flags: readonly SanityFlag[]): string {
  if (flags.length === 0) {
    return `<section id="flags" class="flags ok"><h2>Sanity flags</h2><p>None: no collapsed ` +
      `model, chance-level classifier, weak prior, tie or seed-dominated difference.</p></section>`;
  }
  const groups = byKind(flags).map(([kind, list]) =>
    `<h3>${escapeHtml(FLAG_TITLES[kind])} (${list.length})</h3><ul>${
      list.map((f) =>
        `<li data-kind="${kind}"><b>${escapeHtml(f.subject)}</b>: ${escapeHtml(f.message)}</li>`
      ).join("")
    }</ul>`
  ).join("\n");
  return `<section id="flags" class="flags"><h2>Sanity flags (${flags.length})</h2>
<p>Read these before Table 1: each names the cell, step or comparison it is about.</p>
${groups}</section>`;
}

/** Terminal lines: one heading per kind, then up to `perKind` flags each. */
export function flagsText(flags: readonly SanityFlag[], perKind = 6): string {
  if (flags.length === 0) return "sanity flags: none";
  const lines = [`sanity flags (${flags.length}):`];
  for (const [kind, list] of byKind(flags)) {
    lines.push(`  ${FLAG_TITLES[kind]}:`);
    for (const f of list.slice(0, perKind)) lines.push(`    ${f.subject}: ${f.message}`);
    if (list.length > perKind) lines.push(`    … ${list.length - perKind} more in the report`);
  }
  return lines.join("\n");
}
