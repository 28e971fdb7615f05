/**
 * The report's section on training strategies: which strategies the grid trains with,
 * their options, and where their unlabelled slices come from.
 *
 * @module
 */
import type { ResolvedStrategy } from "../config/strategies.ts";
import { supervisedOnly } from "../config/strategies.ts";
import type { CellResult } from "../run/results.ts";
import { escapeHtml } from "./table1.ts";

/** The statement on the unlabelled pool that the report makes. */
export const UNLABELLED_POOL_STATEMENT =
  "Semi-supervised strategies learn from the unlabelled pool of each cell: the training " +
  "patients without segmentation labels at the cell's sample size (their images, and their " +
  "prior channels when the recipe has priors). Validation and test patients never enter " +
  "the pool; building it fails if one would.";

/** The HTML section; empty when the grid trains `supervised` only. */
export function strategiesHtml(
  strategies: readonly ResolvedStrategy[],
  results: readonly CellResult[],
): string {
  if (supervisedOnly(strategies)) return "";
  const rows = strategies.map((s) => {
    const pools = results.flatMap((r) =>
      r.strategy === s.name && r.unlabelledPatients !== undefined ? [r.unlabelledPatients] : []
    );
    const pool = pools.length === 0 ? "–" : `${Math.min(...pools)}–${Math.max(...pools)}`;
    return `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.plugin)}</td>` +
      `<td><code>${escapeHtml(JSON.stringify(s.options))}</code></td><td>${pool}</td></tr>`;
  }).join("\n");
  return `<h2>Training strategies</h2>
<p>${escapeHtml(UNLABELLED_POOL_STATEMENT)}</p>
<table><thead><tr><th>strategy</th><th>plugin</th><th>options</th>` +
    `<th>unlabelled patients per cell</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
