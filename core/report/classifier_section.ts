/**
 * The classifier behind the priors, in the report: slice- and patient-level accuracy (and
 * the majority-class accuracy to beat), macro F1, macro AUC with its patient-bootstrap CI,
 * and the confusion matrix.
 *
 * @module
 */
import { DIAGNOSES } from "../plugin/cohort.ts";
import type { ClassifierRow } from "./sanity_flags.ts";
import { escapeHtml } from "./table1.ts";

const f3 = (v: number | undefined) => v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(3);

function confusionHtml(matrix: readonly (readonly number[])[]): string {
  const head = DIAGNOSES.map((d) => `<th>${d}</th>`).join("");
  const rows = matrix.map((row, t) =>
    `<tr><th>${DIAGNOSES[t] ?? t}</th>${row.map((n) => `<td>${n}</td>`).join("")}</tr>`
  ).join("");
  return `<p class="caption">Confusion matrix over test slices; rows: true diagnosis, ` +
    `columns: predicted.</p><table class="confusion"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The report section, or an empty string without classifiers. */
export function classifierSectionHtml(rows: readonly ClassifierRow[]): string {
  if (rows.length === 0) return "";
  const body = rows.map(({ label, evaluation: e }) => {
    if (!e) return `<tr><td>${escapeHtml(label)}</td><td colspan="8">no test predictions</td></tr>`;
    const ci = e.macroAucCi ? ` [${f3(e.macroAucCi.low)}, ${f3(e.macroAucCi.high)}]` : " (no CI)";
    return `<tr><td>${escapeHtml(label)}</td><td>${e.slices}</td><td>${e.patients}</td>` +
      `<td>${f3(e.sliceAccuracy)}</td><td>${f3(e.patientAccuracy)}</td>` +
      `<td>${f3(e.majorityAccuracy)}</td><td>${f3(e.macroF1)}</td>` +
      `<td>${f3(e.macroAuc)}${ci}</td></tr>`;
  }).join("\n");
  const matrices = rows.filter((r) => r.evaluation).slice(0, 3).map((r) =>
    `<h3>${escapeHtml(r.label)}</h3>${confusionHtml(r.evaluation!.confusionMatrix)}`
  ).join("\n");
  return `<h2 id="classifier">Classifier</h2>
<p>The diagnosis classifier whose Grad-CAM maps become the priors, on the test patients. Patient
accuracy: argmax of the patient's mean slice probabilities. Majority: always predicting the most
frequent test diagnosis. AUC: one-vs-rest macro, 95% CI from resampling test patients.</p>
<table><thead><tr><th>classifier</th><th>slices</th><th>patients</th><th>slice acc.</th>
<th>patient acc.</th><th>majority acc.</th><th>macro F1</th><th>macro AUC [95% CI]</th></tr></thead>
<tbody>${body}</tbody></table>
${matrices}`;
}
