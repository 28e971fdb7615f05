import assert from "node:assert/strict";
import { csvField, resultsCsv, volumesCsv } from "../core/report/csv.ts";
import type { VolumeRecord } from "../core/metrics/volume_evaluation.ts";
import { cell, scores } from "./helpers/report_cells.ts";

Deno.test("csv: results.csv has per-volume summaries beside the paper's metric", () => {
  const r = cell("1Ch", 15, 1, scores(4, 0.5), { trainPatients: 10 });
  const text = resultsCsv([r], new Map([[15, "15% (10 pts)"]]));
  const [header, row] = text.trim().split("\n");
  const columns = header.split(",");
  for (
    const c of [
      "sizeLabel",
      "trainPatients",
      "valPatients",
      "testPatients",
      "meanIoUWithBackground",
      "fgDice",
      "dice_RV",
      "dice_MYO",
      "dice_LV",
      "hd95",
      "hd95_LV",
      "assd",
      "sensitivity_RV",
      "specificity_LV",
      "distanceUnit",
    ]
  ) assert.ok(columns.includes(c), c);
  const values = Object.fromEntries(columns.map((c, i) => [c, row.split(",")[i]]));
  assert.equal(values.sizeLabel, "15% (10 pts)");
  assert.equal(values.valPatients, "2");
  assert.equal(values.distanceUnit, "px");
});

Deno.test("csv: volumes.csv has one row per patient × phase × structure", () => {
  const r = cell("1Ch", 15, 2, scores(1, 0.5));
  const structure = (label: number, hd95: number) => ({
    label,
    dice: 0.5,
    iou: 1 / 3,
    sensitivity: 0.5,
    specificity: 0.99,
    hd95,
    assd: 1,
    truthVoxels: 10,
    predictedVoxels: 10,
  });
  const volume: VolumeRecord = {
    patientId: "patient001",
    phase: "ED",
    shape: [9, 20, 20],
    missingSlices: 0,
    unit: "mm",
    foregroundDice: 0.5,
    structures: [structure(1, NaN), structure(2, 3.5), structure(3, 2)],
  };
  const lines = volumesCsv([{ result: r, volumes: [volume, { ...volume, phase: "ES" }] }])
    .trim().split("\n");
  assert.equal(
    lines[0],
    "recipe,sampleSize,trainPatients,seed,patient,phase,structure,dice,iou,sensitivity," +
      "specificity,hd95,assd,unit,truthVoxels,predictedVoxels,slices,missingSlices,cell",
  );
  assert.equal(lines.length, 1 + 2 * 3);
  assert.match(lines[1], /^1Ch,15,3,2,patient001,ED,RV,0\.5,.*,0\.99,,1,mm,10,10,9,0,/);
  assert.equal(csvField('a "b", c'), '"a ""b"", c"');
  assert.equal(csvField(NaN), "");
});
