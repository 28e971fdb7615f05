/**
 * Sample-size labels for every table, CSV and figure: the percent with the number of
 * labelled patients beside it (`15% (10 pts)`), and the patients each size trained,
 * validated and tested on.
 *
 * @module
 */
import type { CellResult } from "../run/results.ts";

/** Patients behind one sample size (over seeds and recipes). */
export interface SampleSizeInfo {
  readonly size: number;
  /** E.g. `15% (10 pts)`; `15% (10–11 pts)` when seeds differ. */
  readonly label: string;
  /** Labelled training patients: smallest and largest over cells. */
  readonly train: readonly [number, number] | undefined;
  readonly val: readonly [number, number] | undefined;
  readonly test: readonly [number, number] | undefined;
}

function range(values: readonly (number | undefined)[]): [number, number] | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : [Math.min(...known), Math.max(...known)];
}

function count([low, high]: readonly [number, number]): string {
  return low === high ? `${low}` : `${low}–${high}`;
}

/** Percent and patients, e.g. `15% (10 pts)`. */
export function sizeLabel(size: number, train?: readonly [number, number]): string {
  return train ? `${size}% (${count(train)} pts)` : `${size}%`;
}

/** Sizes in the results, largest first, with their patient counts. */
export function sampleSizes(results: readonly CellResult[]): SampleSizeInfo[] {
  const sizes = [...new Set(results.map((r) => r.sampleSize))].sort((a, b) => b - a);
  return sizes.map((size) => {
    const cells = results.filter((r) => r.sampleSize === size && r.status === "done");
    const train = range(cells.map((r) => r.trainPatients));
    return {
      size,
      label: sizeLabel(size, train),
      train,
      val: range(cells.map((r) => r.valPatientIds?.length)),
      test: range(cells.map((r) => r.testPatients ?? r.perPatient?.length)),
    };
  });
}

/** Size → label, for renderers. */
export function sizeLabels(results: readonly CellResult[]): Map<number, string> {
  return new Map(sampleSizes(results).map((s) => [s.size, s.label]));
}

/** The report's table of patients per sample size (HTML). */
export function sampleSizesHtml(infos: readonly SampleSizeInfo[]): string {
  const cell = (r: readonly [number, number] | undefined) => `<td>${r ? count(r) : "–"}</td>`;
  const rows = infos.map((s) =>
    `<tr><th>${s.size}%</th>${cell(s.train)}${cell(s.val)}${cell(s.test)}</tr>`
  ).join("\n");
  return `<p class="caption">Patients per sample size: labelled training ` +
    `patients (exactly round(p·N), stratified by diagnosis, nested across sizes), validation ` +
    `patients deciding early stopping, test patients.</p><table class="sizes">` +
    `<thead><tr><th>size</th><th>train</th><th>validation</th><th>test</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`;
}
