/**
 * Table 1 in the paper's layout: rows are sample sizes, columns are channel recipes, values
 * are mean IoU over the 4 classes including background, mean over seeds ± 95% CI; the best
 * value per row is marked and an Average row closes the table. Markdown and HTML.
 *
 * @module
 */
import type { CellResult } from "../run/results.ts";
import { mean, meanWithCi } from "./stats.ts";

/** One table cell: mean over seeds and CI half-width (NaN if fewer than two seeds). */
export interface TableValue {
  readonly mean: number;
  readonly halfWidth: number;
  readonly seeds: number;
}

/** Rows (sample sizes, largest first) × columns (recipes, grid order). */
export interface Table1 {
  readonly recipes: readonly string[];
  readonly sizes: readonly number[];
  readonly rows: readonly (readonly TableValue[])[];
  readonly average: readonly TableValue[];
}

/** The caption shared by every rendering. */
export const TABLE1_CAPTION = "Mean IoU over the 4 classes including background (the paper's " +
  "Table 1), test patients pooled; mean over seeds ± 95% CI; best per row marked.";

/** Builds the table from cell results. */
export function table1(results: readonly CellResult[]): Table1 {
  const recipes = [...new Set(results.map((r) => r.recipe))];
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  const value = (size: number, recipe: string): TableValue => {
    const values = results
      .filter((r) => r.sampleSize === size && r.recipe === recipe && r.status === "done")
      .map((r) => r.meanIoUWithBackground!);
    return values.length === 0
      ? { mean: NaN, halfWidth: NaN, seeds: 0 }
      : { ...meanWithCi(values), seeds: values.length };
  };
  const rows = sizes.map((size) => recipes.map((recipe) => value(size, recipe)));
  const average = recipes.map((_, c) => ({
    mean: mean(rows.map((row) => row[c].mean)),
    halfWidth: NaN,
    seeds: Math.min(...rows.map((row) => row[c].seeds)),
  }));
  return { recipes, sizes, rows, average };
}

function formatValue(v: TableValue): string {
  if (!Number.isFinite(v.mean)) return "–";
  return Number.isFinite(v.halfWidth)
    ? `${v.mean.toFixed(3)} ± ${v.halfWidth.toFixed(3)}`
    : v.mean.toFixed(3);
}

function bestIndex(values: readonly TableValue[]): number {
  let best = -1;
  values.forEach((v, i) => {
    if (Number.isFinite(v.mean) && (best < 0 || v.mean > values[best].mean)) best = i;
  });
  return best;
}

function labelledRows(table: Table1): [string, readonly TableValue[]][] {
  return [
    ...table.sizes.map((size, i) => [`${size}%`, table.rows[i]] as [string, readonly TableValue[]]),
    ["Average", table.average],
  ];
}

/** Markdown rendering; the best value per row in bold. */
export function table1Markdown(table: Table1): string {
  const line = (label: string, values: readonly TableValue[]) => {
    const best = bestIndex(values);
    const cells = values.map((v, i) => i === best ? `**${formatValue(v)}**` : formatValue(v));
    return `| ${label} | ${cells.join(" | ")} |`;
  };
  return [
    TABLE1_CAPTION,
    "",
    `| sample size | ${table.recipes.join(" | ")} |`,
    `|---|${table.recipes.map(() => "---:").join("|")}|`,
    ...labelledRows(table).map(([label, values]) => line(label, values)),
  ].join("\n");
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTML rendering; the best value per row in `<strong>`. */
export function table1Html(table: Table1): string {
  const line = (label: string, values: readonly TableValue[]) => {
    const best = bestIndex(values);
    const cells = values.map((v, i) => {
      const text = escapeHtml(formatValue(v));
      return `<td>${i === best ? `<strong>${text}</strong>` : text}</td>`;
    });
    return `<tr><th>${escapeHtml(label)}</th>${cells.join("")}</tr>`;
  };
  const header = table.recipes.map((r) => `<th>${escapeHtml(r)}</th>`).join("");
  return [
    `<table class="table1"><caption>${escapeHtml(TABLE1_CAPTION)}</caption>`,
    `<thead><tr><th>sample size</th>${header}</tr></thead><tbody>`,
    ...labelledRows(table).map(([label, values]) => line(label, values)),
    "</tbody></table>",
  ].join("\n");
}
