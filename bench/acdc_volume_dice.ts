/**
 * Dice per 3-D volume for the ACDC benchmarks, through the core evaluation (the same code
 * every experiment cell uses): predictions are mapped back through the resize and crop
 * (`core/steps/data/restore.ts`), stacked per patient and phase, and scored per structure
 * (`core/metrics/volume_evaluation.ts`); at the network's resolution and at native
 * resolution.
 *
 * As a command it cross-checks a finished experiment cell: it reads the cell's saved
 * predictions and the data artifact's slice metadata, reads the native labels afresh from
 * the dataset's own files (not from the artifact), and prints the per-volume Dice beside
 * what the cell recorded in `volumes.json`.
 *
 * ```sh
 * deno run -A bench/acdc_volume_dice.ts --out out/acdc --cell segmenter-… \
 *   --data ../shared/data/acdc
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Slice } from "../core/plugin/cohort.ts";
import {
  evaluateVolumes,
  summarizeVolumes,
  type VolumeRecord,
  type VolumeSummary,
} from "../core/metrics/volume_evaluation.ts";
import type { PreparedSlices, SliceMeta } from "../core/steps/data/prepared.ts";
import { nativeSlices } from "../core/steps/data/restore.ts";
import { MANIFEST, readUint8 } from "../core/run/artifact_store.ts";
import { readAcdcH5 } from "../plugins/dataset/acdc_h5.ts";

/** Per-volume Dice at prepared size (`prepared`) and native size (`native`). */
export interface VolumeDiceReport {
  readonly prepared: VolumeSummary;
  readonly native: VolumeSummary;
  /** The native-resolution records, one per patient and phase. */
  readonly volumes: readonly VolumeRecord[];
}

/**
 * Dice of `predicted` (`count × size × size` labels, aligned with `prepared`) against the
 * prepared labels and against the native labels of `slices` (same order).
 */
export function volumeDice(
  prepared: PreparedSlices,
  slices: readonly Slice[],
  predicted: Uint8Array,
): VolumeDiceReport {
  const pixels = prepared.size * prepared.size;
  const atPrepared = prepared.meta.map((m) => ({
    ...m,
    source: { height: prepared.size, width: prepared.size },
  }));
  const small = nativeSlices(
    atPrepared,
    predicted,
    prepared.size,
    (i) => prepared.labels.subarray(i * pixels, (i + 1) * pixels),
  );
  const volumes = evaluateVolumes(
    nativeSlices(prepared.meta, predicted, prepared.size, (i) => slices[i].label),
  );
  return {
    prepared: summarizeVolumes(evaluateVolumes(small)),
    native: summarizeVolumes(volumes),
    volumes,
  };
}

const key = (patientId: string, phase: string, sliceIndex?: number) =>
  `${patientId} ${phase}${sliceIndex === undefined ? "" : ` ${sliceIndex}`}`;

/** Cross-checks a finished cell (see the module note); returns the largest difference. */
export async function checkCell(outDir: string, cellId: string, dataRoot: string): Promise<number> {
  const cellDir = join(outDir, "artifacts", cellId);
  const manifest = JSON.parse(await Deno.readTextFile(join(cellDir, MANIFEST)));
  const settings = manifest.settings ?? manifest.identity;
  const dataId: string = settings.data;
  const splitId: string = settings.split;
  const index = JSON.parse(
    await Deno.readTextFile(join(outDir, "artifacts", dataId, "index.json")),
  );
  const split = JSON.parse(
    await Deno.readTextFile(join(outDir, "artifacts", splitId, "split.json")),
  );
  const test = new Set<string>(split.test);
  const meta = (index.meta as SliceMeta[]).filter((m) => test.has(m.patientId));
  const predicted = await readUint8(join(cellDir, "predictions.u8"));
  const cohort = await readAcdcH5({
    root: dataRoot,
    lists: { train: "train.list", val: "val.list", test: "test.list" },
  });
  const native = new Map(cohort.slices.map((s) => [key(s.patientId, s.phase, s.sliceIndex), s]));
  const volumes = evaluateVolumes(
    nativeSlices(meta, predicted, index.size, (i) => {
      const m = meta[i];
      const slice = native.get(key(m.patientId, m.phase, m.sliceIndex));
      if (!slice) throw new Error(`${key(m.patientId, m.phase, m.sliceIndex)}: not in ${dataRoot}`);
      return slice.label;
    }),
  );
  const recorded: VolumeRecord[] = JSON.parse(
    await Deno.readTextFile(join(cellDir, "volumes.json")),
  );
  const byKey = new Map(recorded.map((v) => [key(v.patientId, v.phase), v]));
  let largest = 0;
  console.log("volume              bench fg Dice   cell fg Dice   bench HD95   cell HD95");
  for (const v of volumes) {
    const cell = byKey.get(key(v.patientId, v.phase));
    const hd = (r?: VolumeRecord) => r ? r.structures.map((s) => s.hd95.toFixed(1)).join("/") : "–";
    const difference = cell ? Math.abs(cell.foregroundDice - v.foregroundDice) : Infinity;
    largest = Math.max(largest, difference);
    console.log(
      `${key(v.patientId, v.phase).padEnd(18)}  ${v.foregroundDice.toFixed(6).padStart(13)}` +
        `  ${(cell?.foregroundDice ?? NaN).toFixed(6).padStart(13)}  ${hd(v).padStart(11)}` +
        `  ${hd(cell).padStart(10)}`,
    );
  }
  const summary = summarizeVolumes(volumes);
  console.log(
    `${volumes.length} volumes (${recorded.length} recorded); mean fg Dice ` +
      `${summary.foregroundDice.toFixed(6)}; largest |bench − cell| ${largest.toExponential(2)}`,
  );
  return largest;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      cell: { type: "string" },
      data: { type: "string", default: "../shared/data/acdc" },
    },
  });
  if (!values.out || !values.cell) {
    console.error("usage: bench/acdc_volume_dice.ts --out <experiment out> --cell <segmenter id>");
    Deno.exit(2);
  }
  const largest = await checkCell(values.out, values.cell, values.data!);
  Deno.exit(largest <= 1e-12 ? 0 : 1);
}
