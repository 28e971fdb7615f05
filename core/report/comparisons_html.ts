/**
 * The paired comparisons table of the report: per-patient means, the improvement with its
 * bootstrap CI, the per-seed differences, raw and Holm-adjusted Wilcoxon p, the verdict.
 *
 * @module
 */
import { ALPHA, type ComparisonRow } from "./comparisons.ts";
import type { ReportMetric } from "./report_metric.ts";
import { escapeHtml } from "./table1.ts";

const signed = (v: number, digits: number) => (v >= 0 ? "+" : "") + v.toFixed(digits);
const p = (v: number | undefined) => v === undefined || Number.isNaN(v) ? "n/a" : v.toPrecision(3);

function row(r: ComparisonRow, metric: ReportMetric, labels: ReadonlyMap<number, string>) {
  const d = metric.digits;
  const ci = r.improvementCi
    ? `[${signed(r.improvementCi.low, d)}, ${signed(r.improvementCi.high, d)}]`
    : "n/a (one patient)";
  const seeds = r.seeds.length > 1
    ? r.perSeedDifference.map((x) => signed(metric.higherIsBetter ? x : -x, d)).join(", ")
    : "n/a (one seed)";
  const small = r.smallestPossibleP >= ALPHA
    ? ` title="smallest possible p ${p(r.smallestPossibleP)}"`
    : "";
  return `<tr class="${r.verdict}"><td>${escapeHtml(r.proposed)}</td><td>${
    escapeHtml(r.baseline)
  }</td>` +
    `<td>${
      escapeHtml(labels.get(r.sampleSize) ?? "")
    }</td><td>${r.patients}</td><td>${r.seeds.length}</td>` +
    `<td>${r.proposedMean.toFixed(d)}</td><td>${r.baselineMean.toFixed(d)}</td>` +
    `<td>${signed(r.improvement, d)}</td><td>${ci}</td>` +
    `<td>${signed(100 * r.relativeImprovement, 1)}%</td><td>${seeds}</td>` +
    `<td${small}>${p(r.wilcoxon?.pValue)}</td><td>${p(r.pHolm)}</td><td>${r.verdict}</td></tr>`;
}

/** The section's table, or a sentence when there is nothing to compare. */
export function comparisonsHtml(
  rows: readonly ComparisonRow[],
  metric: ReportMetric,
  labels: ReadonlyMap<number, string>,
): string {
  if (rows.length === 0) {
    return "<p>No comparisons (no recipe with a prior has a baseline in the grid).</p>";
  }
  const n = Math.max(...rows.map((r) => r.patients));
  const floor = rows.find((r) => r.patients === n)!.smallestPossibleP;
  return `<p>${escapeHtml(metric.label)}, per test patient averaged over the seeds both cells
finished; improvement = proposed − baseline in the better direction, with a bootstrap 95% CI over
patients; Wilcoxon signed-rank over patients, Holm-adjusted across all ${rows.length} comparisons.
A difference counts (better/worse) only with Holm p &lt; ${ALPHA} and a CI excluding 0. With ${n}
test patients the smallest possible p is ${p(floor)}.</p>
<table class="comparisons"><thead><tr><th>proposed</th><th>baseline</th><th>size</th>
<th>patients</th><th>seeds</th><th>proposed</th><th>baseline</th><th>improvement</th>
<th>95% CI</th><th>relative</th><th>per seed</th><th>Wilcoxon p</th><th>Holm p</th><th>verdict</th>
</tr></thead><tbody>
${rows.map((r) => row(r, metric, labels)).join("\n")}
</tbody></table>`;
}
