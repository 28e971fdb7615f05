/**
 * `report/index.html`: ties the report together; self-contained apart from the files next
 * to it, so it opens offline.
 *
 * @module
 */
import { SEGMENTATION_CLASSES } from "../plugin/cohort.ts";
import type { ComparisonRow } from "./comparisons.ts";
import { FIGURE3_COLUMNS } from "./figure3.ts";
import { escapeHtml } from "./table1.ts";

/** What the page shows. */
export interface IndexContent {
  readonly name: string;
  readonly description?: string;
  readonly backend: string;
  readonly generated: string;
  readonly table1Html: string;
  readonly comparisons: readonly ComparisonRow[];
  readonly hasFigure2: boolean;
  /** Caption of Figure 3, or undefined when there is none. */
  readonly figure3Caption?: string;
  readonly failed: readonly string[];
  /** Extra sections (e.g. CAM quality), already HTML. */
  readonly extraSections?: readonly string[];
}

function statisticsTable(rows: readonly ComparisonRow[]): string {
  if (rows.length === 0) {
    return "<p>No comparisons (no recipe with a prior has a baseline in the grid).</p>";
  }
  const classes = SEGMENTATION_CLASSES.map((c) => `<th>gain ${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr><td>${escapeHtml(r.proposed)}</td><td>${
      escapeHtml(r.baseline)
    }</td><td>${r.sampleSize}%</td>` +
    `<td>${r.proposedMean.toFixed(3)}</td><td>${r.baselineMean.toFixed(3)}</td>` +
    `<td>${(100 * r.relativeDifference).toFixed(1)}%</td>` +
    `<td>${r.wilcoxon.n}</td><td>${r.wilcoxon.pValue.toPrecision(3)}</td>` +
    r.perClassGain.map((g) => `<td>${g.toFixed(3)}</td>`).join("") + "</tr>"
  ).join("\n");
  return `<table><thead><tr><th>proposed</th><th>baseline</th><th>size</th><th>proposed IoU</th>` +
    `<th>baseline IoU</th><th>relative</th><th>pairs</th><th>Wilcoxon p</th>${classes}</tr></thead>` +
    `<tbody>${body}</tbody></table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
caption{caption-side:top;text-align:left;font-size:.9rem;color:#555;padding:.25rem 0}
img{max-width:100%;border:1px solid #eee}.failed{color:#a00}`;

/** Renders the page. */
export function indexHtml(content: IndexContent): string {
  const failed = content.failed.length === 0
    ? ""
    : `<h2 class="failed">Failed cells</h2><ul>${
      content.failed.map((f) => `<li>${escapeHtml(f)}</li>`).join("")
    }</ul>`;
  const figure2 = content.hasFigure2
    ? `<h2>Figure 2</h2><img src="figure2.svg" alt="relative difference against the baseline per sample size">`
    : "";
  const figure3 = content.figure3Caption
    ? `<h2>Figure 3</h2><p>${escapeHtml(content.figure3Caption)}; columns: ${
      FIGURE3_COLUMNS.join(", ")
    }.</p><img src="figure3.png" alt="example overlays">`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${
    escapeHtml(content.name)
  } — camprior report</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(content.name)}</h1>
<p>${escapeHtml(content.description ?? "")}</p>
<p>Backend: ${escapeHtml(content.backend)}. Generated ${escapeHtml(content.generated)}.
Data: <a href="results.csv">results.csv</a>, <a href="results.json">results.json</a>,
<a href="comparisons.json">comparisons.json</a>.</p>
${failed}
<h2>Table 1</h2>
${content.table1Html}
${figure2}
<h2>Paired comparisons</h2>
<p>Wilcoxon signed-rank test on per-patient mean IoU (incl. background), pairs over seeds × test patients; per-class gains are IoU differences.</p>
${statisticsTable(content.comparisons)}
${figure3}
${(content.extraSections ?? []).join("\n")}
</body></html>
`;
}
