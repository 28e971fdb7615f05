/**
 * The results table in the paper's Table 1 layout: rows are sample sizes, columns are
 * channel recipes, values are mean IoU over the 4 classes including background, averaged
 * over seeds; the best value per row is marked.
 *
 * @module
 */
import type { CellResult } from "../results.ts";

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean over seeds per (sample size, recipe); NaN where no cell finished. */
export function tableValues(results: readonly CellResult[]) {
  const recipes = [...new Set(results.map((r) => r.recipe))];
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  const value = (size: number, recipe: string) => {
    const done = results.filter((r) =>
      r.sampleSize === size && r.recipe === recipe && r.status === "done"
    );
    return done.length === 0 ? NaN : mean(done.map((r) => r.meanIoUWithBackground!));
  };
  return { recipes, sizes, rows: sizes.map((size) => recipes.map((r) => value(size, r))) };
}

function formatRow(label: string, values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  const best = finite.length > 0 ? Math.max(...finite) : NaN;
  const cells = values.map((v) =>
    !Number.isFinite(v) ? "failed" : v === best ? `**${v.toFixed(3)}**` : v.toFixed(3)
  );
  return `| ${label} | ${cells.join(" | ")} |`;
}

/** A Markdown table with an Average row; the caption says which mean IoU it is. */
export function resultsTableMarkdown(results: readonly CellResult[]): string {
  const { recipes, sizes, rows } = tableValues(results);
  const seeds = new Set(results.map((r) => r.seed)).size;
  const averages = recipes.map((_, c) => mean(rows.map((row) => row[c])));
  return [
    `Mean IoU over 4 classes incl. background (paper's Table 1), mean of ${seeds} seed(s); ` +
    `best per row in bold.`,
    "",
    `| sample size | ${recipes.join(" | ")} |`,
    `|---|${recipes.map(() => "---:").join("|")}|`,
    ...sizes.map((size, i) => formatRow(`${size}%`, rows[i])),
    formatRow("Average", averages),
  ].join("\n");
}
