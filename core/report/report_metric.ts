/**
 * The metrics a report can put in its headline (`experiment.report.metric`): the paper's
 * mean IoU including background (pooled over test pixels at the network's resolution), or
 * the ACDC way per 3-D volume at native resolution, foreground Dice or HD95. Each says how to
 * read a cell's value and its per-patient scores, and which direction is better.
 *
 * @module
 */
import { REPORT_METRICS } from "../config/experiment_schema.ts";
import type { CellResult } from "../run/results.ts";
import { undefinedHd95Pairs, type UndefinedPairs } from "./undefined_pairs.ts";

export { REPORT_METRICS };

/** One of {@linkcode REPORT_METRICS}. */
export type ReportMetricName = typeof REPORT_METRICS[number];

/** How to read and judge one metric. */
export interface ReportMetric {
  readonly name: ReportMetricName;
  /** Column and axis title. */
  readonly label: string;
  /** Caption sentence: what the number is and how it was computed. */
  readonly description: string;
  readonly higherIsBetter: boolean;
  readonly digits: number;
  /** The cell's value, or undefined when the cell has none (failed or an old artifact). */
  cellValue(result: CellResult): number | undefined;
  /** Per test patient scores of the cell. */
  patientScores(result: CellResult): Map<string, number>;
  /** For a value that skips undefined pairs: how many the cell's value skipped, of how many. */
  undefinedPairs?(result: CellResult): UndefinedPairs | undefined;
}

const finite = (v: number | undefined) => v !== undefined && Number.isFinite(v) ? v : undefined;

/** Distance unit of the results ("mm", "px", or "mm/px" when they mix). */
export function distanceUnit(results: readonly CellResult[]): string {
  const units = new Set(results.flatMap((r) => r.volume ? [r.volume.unit] : []));
  return units.size === 1 ? [...units][0] : units.size === 0 ? "px" : "mm/px";
}

/** The definition of a metric; `unit` labels distances. */
export function reportMetric(name: ReportMetricName, unit = "mm"): ReportMetric {
  switch (name) {
    case "meanIoU":
      return {
        name,
        label: "mean IoU incl. background",
        description: "Mean IoU over the 4 classes including background (the paper's Table 1), " +
          "test pixels pooled at the network's resolution",
        higherIsBetter: true,
        digits: 3,
        cellValue: (r) => finite(r.meanIoUWithBackground),
        patientScores: (r) =>
          new Map((r.perPatient ?? []).map((p) => [p.patientId, p.meanIoUWithBackground])),
      };
    case "foregroundDice":
      return {
        name,
        label: "fg Dice",
        description: "Mean Dice over RV, MYO and LV per 3-D volume (patient × phase) at native " +
          "resolution, averaged over volumes (the ACDC way)",
        higherIsBetter: true,
        digits: 3,
        cellValue: (r) => finite(r.volume?.foregroundDice),
        patientScores: (r) => volumeScores(r, "foregroundDice"),
      };
    case "hd95":
      return {
        name,
        label: `HD95 (${unit})`,
        description: `95th-percentile Hausdorff distance in ${unit} per structure and 3-D ` +
          "volume at native resolution, averaged over RV, MYO, LV and volumes (lower is better)",
        higherIsBetter: false,
        digits: 2,
        cellValue: (r) => finite(r.volume?.meanHd95),
        patientScores: (r) => volumeScores(r, "hd95"),
        undefinedPairs: undefinedHd95Pairs,
      };
  }
}

function volumeScores(r: CellResult, key: "foregroundDice" | "hd95"): Map<string, number> {
  return new Map(
    (r.perPatientVolume ?? []).flatMap((p) =>
      Number.isFinite(p[key]) ? [[p.patientId, p[key]] as const] : []
    ),
  );
}
