/**
 * `report/index.html`: the report a researcher reads, self-contained apart from the files
 * next to it, so it opens offline. Sanity flags come first, then the headline, patients per
 * sample size, Table 1 (headline metric), Table 2 (ACDC metrics), the learning curve,
 * Figure 2, the paired comparisons, Figure 3, the classifier, the priors and the training
 * curves.
 *
 * @module
 */
import { classifierSectionHtml } from "./classifier_section.ts";
import { comparisonsHtml } from "./comparisons_html.ts";
import { flagsHtml } from "./flags_view.ts";
import { priorQualityHtml } from "./prior_quality.ts";
import type { ReportModel } from "./report_model.ts";
import { sampleSizesHtml } from "./sample_sizes.ts";
import { escapeHtml, tableHtml } from "./table1.ts";

/** What the page shows besides the model. */
export interface IndexContent {
  readonly name: string;
  readonly description?: string;
  readonly backend: string;
  readonly generated: string;
  readonly model: ReportModel;
  /** Which figure files exist next to the page. */
  readonly figures: {
    readonly figure2: boolean;
    readonly learningCurve: boolean;
    readonly trainingCurves: boolean;
  };
  /** Figure 3 as HTML with its caption, or undefined when there is none. */
  readonly figure3?: { readonly caption: string; readonly html: string };
  readonly failed: readonly string[];
  /** Validation setting: `shrink` (with the sample) or `full`. */
  readonly validation: string;
  /** Notes on the grid, e.g. sample sizes merged because they give the same patients. */
  readonly notes?: readonly string[];
  /** HTML sections after the patients' (e.g. the training strategies and their pool). */
  readonly sections?: readonly string[];
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
caption,.caption{caption-side:top;text-align:left;font-size:.9rem;color:#555;padding:.25rem 0;max-width:70rem}
.caption{margin:1rem 0 0}
img{max-width:100%;border:1px solid #eee}.failed{color:#a00}
.flags{border:2px solid #c60;background:#fff8ef;padding:.5rem 1rem;margin:1rem 0}
.flags.ok{border-color:#393;background:#f3fff3}.flags h3{font-size:1rem;margin:.75rem 0 .25rem}
tr.flagged td{background:#fff0e0}table.comparisons td{white-space:nowrap}tr.tie td,tr.untested td{color:#666}
tr.better td:last-child{color:#060;font-weight:bold}tr.worse td:last-child{color:#a00;font-weight:bold}
.headline{font-size:1.1rem;font-weight:600}.swatch{display:inline-block;width:1em;height:1em;margin:0 .25em;vertical-align:middle}
table.figure3 td{text-align:center;font-size:.85rem}table.figure3 img{width:128px}`;

function figure(present: boolean, file: string, title: string, alt: string, note: string): string {
  return present
    ? `<h2>${title}</h2><p>${note}</p><img src="${file}" alt="${escapeHtml(alt)}">`
    : "";
}

/** Renders the page. */
export function indexHtml(content: IndexContent): string {
  const { model } = content;
  const failed = content.failed.length === 0
    ? ""
    : `<h2 class="failed">Failed cells</h2><ul>${
      content.failed.map((f) => `<li>${escapeHtml(f)}</li>`).join("")
    }</ul>`;
  const paper = model.paperTable
    ? `<h2>The paper's metric</h2>${tableHtml(model.paperTable, "Paper's Table 1")}`
    : "";
  const figure3 = content.figure3
    ? `<h2>Figure 3</h2><p>${escapeHtml(content.figure3.caption)}.</p>${content.figure3.html}` +
      `<p>The same as one image: <a href="figure3.png">figure3.png</a>.</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${
    escapeHtml(content.name)
  } — camprior report</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(content.name)}</h1>
<p>${escapeHtml(content.description ?? "")}</p>
<p>Backend: ${escapeHtml(content.backend)}. Generated ${escapeHtml(content.generated)}.
Headline metric: ${escapeHtml(model.metric.label)} (<code>report.metric</code>).
Data: <a href="results.csv">results.csv</a> (one row per cell and seed),
<a href="volumes.csv">volumes.csv</a> (one row per cell, seed, test patient, phase and structure),
<a href="results.json">results.json</a>, <a href="comparisons.json">comparisons.json</a>,
<a href="flags.json">flags.json</a>.</p>
${flagsHtml(model.flags)}
<p class="headline">${escapeHtml(model.headline)}</p>
${failed}
<h2>Patients</h2>
<p>Validation patients ${
    content.validation === "full"
      ? 'are all the split\'s validation patients in every cell (<code>split.validation: "full"</code>)'
      : 'shrink with the sample size (<code>split.validation: "shrink"</code>, the honest low-label setting; at least one)'
  }; they decide early stopping and which weights are kept.</p>
${sampleSizesHtml(model.sizes)}
${(content.notes ?? []).map((n) => `<p class="note">Note: ${escapeHtml(n)}.</p>`).join("\n")}
${(content.sections ?? []).join("\n")}
<h2>Table 1</h2>
${tableHtml(model.table1, "Table 1")}
<h2>Table 2: the ACDC way</h2>
${tableHtml(model.table2[0], "Table 2a")}
${tableHtml(model.table2[1], "Table 2b")}
${paper}
${
    figure(
      content.figures.learningCurve,
      "learning_curve.svg",
      "Learning curve",
      "foreground Dice against labelled patients per recipe",
      "Absolute foreground Dice per 3-D volume against labelled patients, one line per recipe; " +
        "band: bootstrap 95% CI over test patients (each averaged over seeds).",
    )
  }
${
    figure(
      content.figures.figure2,
      "figure2.svg",
      "Figure 2",
      "relative improvement over the baseline per sample size",
      "The paper's two panels: (a) a recipe with a prior against the image-only recipe of " +
        "as many channels, (b) against the same image channels without the prior. Hollow " +
        "points: ties (nothing shown either way).",
    )
  }
<h2>Paired comparisons</h2>
${comparisonsHtml(model.comparisons, model.metric, model.labels)}
${figure3}
${classifierSectionHtml(model.classifiers)}
${priorQualityHtml(model.priors, model.labels)}
${
    figure(
      content.figures.trainingCurves,
      "training_curves.svg",
      "Training curves",
      "training and validation loss per epoch of every step",
      "Loss per epoch of each classifier and segmenter step (from its history.json).",
    )
  }
</body></html>
`;
}
