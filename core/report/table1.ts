/**
 * Result tables in the paper's layout: rows are sample sizes (`15% (10 pts)`), columns are
 * channel recipes, values are a metric's mean over seeds ± 95% CI, and an Average row closes
 * the table. Table 1 shows the report's headline metric (the paper's mean IoU by default),
 * Table 2 the ACDC metrics (foreground Dice, HD95 per volume).
 *
 * A row's best value is bold only when it means something: its cell did not collapse and
 * it beats the runner-up over test patients (paired Wilcoxon p < 0.05 and a bootstrap CI
 * excluding 0). Otherwise nothing in the row is bold.
 *
 * A value whose mean skips undefined volume × structure pairs (HD95 of a structure missed or
 * hallucinated) is marked †, and a note under the table says how many of how many.
 *
 * @module
 */
import type { CellResult } from "../run/results.ts";
import { ALPHA } from "./comparisons.ts";
import { comparePatients, type PatientScores } from "./patient_stats.ts";
import type { ReportMetric } from "./report_metric.ts";
import { collapsedKeys } from "./sanity_flags.ts";
import { mean, meanWithCi } from "./stats.ts";
import {
  isMarked,
  sumPairs,
  UNDEFINED_MARK,
  type UndefinedPairs,
  undefinedPairsNote,
} from "./undefined_pairs.ts";

/** One table cell: mean over seeds and CI half-width (NaN if fewer than two seeds). */
export interface TableValue {
  readonly mean: number;
  readonly halfWidth: number;
  readonly seeds: number;
  /** Pairs the mean skipped, summed over the cell's seeds (metrics that skip; see the note). */
  readonly undefinedPairs?: UndefinedPairs;
}

/** Rows (sample sizes, largest first) × columns (recipes, grid order). */
export interface ResultTable {
  readonly metric: ReportMetric;
  readonly recipes: readonly string[];
  readonly sizes: readonly number[];
  /** Row labels, e.g. `15% (10 pts)`. */
  readonly labels: readonly string[];
  readonly rows: readonly (readonly TableValue[])[];
  readonly average: readonly TableValue[];
  /** Column index to bold per row, or -1. */
  readonly bold: readonly number[];
}

/**
 * The caption of a table of `metric`; `oneSeed` when some value comes from a single seed
 * (shown without ±: its interval is n/a, not missing).
 */
export function tableCaption(metric: ReportMetric, oneSeed = false): string {
  const seeds = oneSeed ? " A value without ± has one seed: its interval is n/a (one seed)." : "";
  return `${metric.description}; mean over seeds ± 95% CI (t over seeds).${seeds} Bold: best ` +
    `in its row and better than the runner-up over test patients (paired Wilcoxon p < ` +
    `${ALPHA}, bootstrap CI of the difference excluding 0) with no collapsed model; none ` +
    `otherwise.`;
}

const hasOneSeed = (table: ResultTable) => table.rows.some((row) => row.some((v) => v.seeds === 1));

function better(metric: ReportMetric, a: number, b: number): boolean {
  return metric.higherIsBetter ? a > b : a < b;
}

/** Column to bold in a row, or -1 (see the module note). */
function boldIndex(
  results: readonly CellResult[],
  metric: ReportMetric,
  recipes: readonly string[],
  size: number,
  row: readonly TableValue[],
  collapsed: ReadonlySet<string>,
): number {
  const order = row.map((v, i) => [v.mean, i] as const).filter(([m]) => Number.isFinite(m))
    .sort((a, b) => better(metric, a[0], b[0]) ? -1 : better(metric, b[0], a[0]) ? 1 : 0);
  if (order.length < 2) return -1;
  const [best, second] = [order[0][1], order[1][1]];
  if (collapsed.has(`${recipes[best]}\u0000${size}`)) return -1;
  const scores = (recipe: string) =>
    new Map<number, PatientScores>(
      results.filter((r) => r.recipe === recipe && r.sampleSize === size && r.status === "done")
        .map((r) => [r.seed, metric.patientScores(r)]),
    );
  const c = comparePatients(scores(recipes[best]), scores(recipes[second]));
  const separated = c.ci !== undefined && (c.ci.low > 0 || c.ci.high < 0);
  return c.wilcoxon && c.wilcoxon.pValue < ALPHA && separated ? best : -1;
}

/** Builds the table of `metric`; `labels` gives each size's row label. */
export function resultTable(
  results: readonly CellResult[],
  metric: ReportMetric,
  labels: ReadonlyMap<number, string>,
): ResultTable {
  const recipes = [...new Set(results.map((r) => r.recipe))];
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  const value = (size: number, recipe: string): TableValue => {
    const done = results
      .filter((r) => r.sampleSize === size && r.recipe === recipe && r.status === "done");
    const values = done.flatMap((r) => metric.cellValue(r) ?? []);
    const skipped = withPairs(sumPairs(done.map((r) => metric.undefinedPairs?.(r))));
    return values.length === 0
      ? { mean: NaN, halfWidth: NaN, seeds: 0, ...skipped }
      : { ...meanWithCi(values), seeds: values.length, ...skipped };
  };
  const rows = sizes.map((size) => recipes.map((recipe) => value(size, recipe)));
  const average = recipes.map((_, c) => ({
    mean: mean(rows.map((row) => row[c].mean)),
    halfWidth: NaN,
    seeds: Math.min(...rows.map((row) => row[c].seeds)),
    ...withPairs(sumPairs(rows.map((row) => row[c].undefinedPairs))),
  }));
  const collapsed = collapsedKeys(results);
  return {
    metric,
    recipes,
    sizes,
    labels: sizes.map((s) => labels.get(s) ?? `${s}%`),
    rows,
    average,
    bold: sizes.map((size, i) => boldIndex(results, metric, recipes, size, rows[i], collapsed)),
  };
}

const withPairs = (counts: UndefinedPairs | undefined) => counts ? { undefinedPairs: counts } : {};

/** ` †` after a value whose mean skipped pairs; nothing otherwise. */
const mark = (v: TableValue) => isMarked(v.undefinedPairs) ? ` ${UNDEFINED_MARK}` : "";

/** The note on the marked values, or undefined when none is marked. */
function tableNote(table: ResultTable): string | undefined {
  return undefinedPairsNote(
    labelledRows(table).flatMap(([label, values]) =>
      values.flatMap((v, c) =>
        isMarked(v.undefinedPairs)
          ? [{ where: `${label}, ${table.recipes[c]}`, counts: v.undefinedPairs }]
          : []
      )
    ),
  );
}

function formatValue(v: TableValue, digits: number): string {
  if (!Number.isFinite(v.mean)) return "–";
  return Number.isFinite(v.halfWidth)
    ? `${v.mean.toFixed(digits)} ± ${v.halfWidth.toFixed(digits)}`
    : v.mean.toFixed(digits);
}

function labelledRows(table: ResultTable): [string, readonly TableValue[], number][] {
  return [
    ...table.rows.map((row, i) =>
      [table.labels[i], row, table.bold[i]] as [
        string,
        readonly TableValue[],
        number,
      ]
    ),
    ["Average", table.average, -1],
  ];
}

/** Markdown rendering, bold as decided, marks and their note (see the module note). */
export function tableMarkdown(table: ResultTable, title: string): string {
  const { digits } = table.metric;
  const line = ([label, values, bold]: [string, readonly TableValue[], number]) => {
    const cells = values.map((v, i) =>
      (i === bold ? `**${formatValue(v, digits)}**` : formatValue(v, digits)) + mark(v)
    );
    return `| ${label} | ${cells.join(" | ")} |`;
  };
  const note = tableNote(table);
  return [
    `${title}: ${tableCaption(table.metric, hasOneSeed(table))}`,
    "",
    `| sample size | ${table.recipes.join(" | ")} |`,
    `|---|${table.recipes.map(() => "---:").join("|")}|`,
    ...labelledRows(table).map(line),
    ...(note ? ["", note] : []),
  ].join("\n");
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTML rendering, bold as decided, marks and their note (see the module note). */
export function tableHtml(table: ResultTable, title: string): string {
  const { digits } = table.metric;
  const line = ([label, values, bold]: [string, readonly TableValue[], number]) => {
    const cells = values.map((v, i) => {
      const text = escapeHtml(formatValue(v, digits));
      return `<td>${i === bold ? `<strong>${text}</strong>` : text}${mark(v)}</td>`;
    });
    return `<tr><th>${escapeHtml(label)}</th>${cells.join("")}</tr>`;
  };
  const header = table.recipes.map((r) => `<th>${escapeHtml(r)}</th>`).join("");
  const note = tableNote(table);
  return [
    `<p class="caption"><b>${escapeHtml(title)}</b>: ${
      escapeHtml(tableCaption(table.metric, hasOneSeed(table)))
    }</p>`,
    `<table class="results" data-metric="${table.metric.name}">`,
    `<thead><tr><th>sample size</th>${header}</tr></thead><tbody>`,
    ...labelledRows(table).map(line),
    "</tbody></table>",
    ...(note ? [`<p class="note">${escapeHtml(note)}</p>`] : []),
  ].join("\n");
}
