/**
 * What a loader read, per diagnostic group and split: patients and slices, and the slices
 * the data guards left out (`dropped`: patients with a dropped slice / slices). Printed
 * after loading so nothing is dropped silently.
 *
 * @module
 */
import { type Cohort, DIAGNOSES, type Diagnosis } from "./cohort.ts";

/** Patients and slices of one split and group. */
export interface SummaryCell {
  readonly patients: number;
  readonly slices: number;
}

/** Counts per split (rows) and diagnosis (columns). */
export interface CohortSummary {
  /** Split names in order: the split's sets, then `unassigned` when some patient is in none. */
  readonly splits: readonly string[];
  readonly cells: Readonly<Record<string, Readonly<Record<Diagnosis, SummaryCell>>>>;
  readonly totalPatients: number;
  readonly totalSlices: number;
  /** Slices left out by the data guards (their row is `dropped`). */
  readonly droppedSlices: number;
}

/** A slice left out, as the summary counts it. */
export interface DroppedSliceRef {
  readonly patientId: string;
  readonly group: Diagnosis;
}

/**
 * Counts a cohort per group and per set of `split` (default: the cohort's predefined split,
 * else one set `all`). Patients in no set are counted as `unassigned`.
 */
export function summarizeCohort(
  cohort: Cohort,
  split?: { readonly [set: string]: readonly string[] },
  dropped: readonly DroppedSliceRef[] = [],
): CohortSummary {
  const predefined = cohort.predefinedSplit;
  const sets = split ??
    (predefined ? { ...predefined } : { all: cohort.patients.map((p) => p.id) });
  const setOf = new Map<string, string>();
  for (const [name, ids] of Object.entries(sets)) for (const id of ids) setOf.set(id, name);
  const slicesOf = new Map<string, number>();
  for (const slice of cohort.slices) {
    slicesOf.set(slice.patientId, (slicesOf.get(slice.patientId) ?? 0) + 1);
  }
  const cells: Record<string, Record<Diagnosis, SummaryCell>> = {};
  const empty = () =>
    Object.fromEntries(DIAGNOSES.map((g) => [g, { patients: 0, slices: 0 }])) as Record<
      Diagnosis,
      SummaryCell
    >;
  for (const name of Object.keys(sets)) cells[name] = empty();
  for (const patient of cohort.patients) {
    const name = setOf.get(patient.id) ?? "unassigned";
    cells[name] ??= empty();
    const cell = cells[name][patient.group];
    cells[name][patient.group] = {
      patients: cell.patients + 1,
      slices: cell.slices + (slicesOf.get(patient.id) ?? 0),
    };
  }
  if (dropped.length > 0) cells.dropped = droppedRow(dropped);
  return {
    splits: Object.keys(cells),
    cells,
    totalPatients: cohort.patients.length,
    totalSlices: cohort.slices.length,
    droppedSlices: dropped.length,
  };
}

function droppedRow(dropped: readonly DroppedSliceRef[]): Record<Diagnosis, SummaryCell> {
  return Object.fromEntries(DIAGNOSES.map((group) => {
    const of = dropped.filter((d) => d.group === group);
    return [group, { patients: new Set(of.map((d) => d.patientId)).size, slices: of.length }];
  })) as Record<Diagnosis, SummaryCell>;
}

/** A text table: one row per split, `patients/slices` per group, and totals. */
export function formatCohortSummary(summary: CohortSummary): string {
  const header = ["split", ...DIAGNOSES, "total"];
  const rows = summary.splits.map((name) => {
    const cells = DIAGNOSES.map((g) => summary.cells[name][g]);
    const total = cells.reduce((a, c) => ({
      patients: a.patients + c.patients,
      slices: a.slices + c.slices,
    }));
    return [name, ...[...cells, total].map((c) => `${c.patients}/${c.slices}`)];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: readonly string[]) =>
    row.map((text, i) => text.padEnd(widths[i])).join("  ").trimEnd();
  return [
    line(header),
    ...rows.map(line),
    `(patients/slices; ${summary.totalPatients} patients, ${summary.totalSlices} slices in all` +
    (summary.droppedSlices > 0
      ? `; ${summary.droppedSlices} slices dropped by the data checks, not counted above)`
      : ")"),
  ].join("\n");
}
