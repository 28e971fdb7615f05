/**
 * Plain-text tables for the benchmark's console report.
 *
 * @module
 */

/** Column alignment: text left, numbers right. */
export type Align = "left" | "right";

/** A table: header cells, rows of cells, and each column's alignment (default left). */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly align?: readonly Align[];
}

/** Pads `cell` to `width` on the side its alignment asks for. */
function pad(cell: string, width: number, align: Align): string {
  return align === "right" ? cell.padStart(width) : cell.padEnd(width);
}

/**
 * Formats a table with columns as wide as their widest cell, two spaces between
 * columns, and a dashed line under the headers; lines carry no trailing spaces.
 */
export function formatTable({ headers, rows, align = [] }: Table): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  const line = (cells: readonly string[]) =>
    widths.map((width, column) => pad(cells[column] ?? "", width, align[column] ?? "left"))
      .join("  ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
