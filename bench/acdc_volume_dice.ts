/**
 * Dice per 3-D volume for the ACDC benchmark: slices are grouped by patient and phase,
 * each volume's pixels pooled into one confusion matrix, and the foreground mean Dice
 * averaged over volumes; at the network's resolution and, through the inverse of the
 * resize (nearest), at each slice's native resolution.
 *
 * @module
 */
import type { Slice } from "../core/plugin/cohort.ts";
import { restoreLabelMap } from "./export.ts";
import type { PreparedSlices } from "../core/steps/data/prepared.ts";
import { SegmentationConfusion, segmentationMetrics } from "../core/metrics/segmentation.ts";

/** Foreground mean Dice averaged over volumes, and per class (background first). */
export interface VolumeDice {
  readonly foregroundMeanDice: number;
  readonly dicePerClass: readonly number[];
  readonly volumes: number;
}

/** Per-volume Dice at prepared size (`prepared`) and native size (`native`). */
export interface VolumeDiceReport {
  readonly prepared: VolumeDice;
  readonly native: VolumeDice;
}

function average(volumes: readonly SegmentationConfusion[]): VolumeDice {
  const metrics = volumes.map((c) => segmentationMetrics(c));
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const classes = metrics[0].dicePerClass.length;
  return {
    foregroundMeanDice: mean(metrics.map((m) => m.foregroundMeanDice)),
    dicePerClass: Array.from(
      { length: classes },
      (_, c) => mean(metrics.map((m) => m.dicePerClass[c])),
    ),
    volumes: volumes.length,
  };
}

/**
 * Dice of `predicted` (`count × size × size` labels, aligned with `prepared`) against the
 * prepared labels and against the native labels of `slices` (same order).
 */
export function volumeDice(
  prepared: PreparedSlices,
  slices: readonly Slice[],
  predicted: Uint8Array,
  numClasses: number,
): VolumeDiceReport {
  const pixels = prepared.size * prepared.size;
  const small = new Map<string, SegmentationConfusion>();
  const full = new Map<string, SegmentationConfusion>();
  const get = (map: Map<string, SegmentationConfusion>, key: string) =>
    map.get(key) ?? map.set(key, new SegmentationConfusion(numClasses)).get(key)!;
  prepared.meta.forEach((meta, i) => {
    const key = `${meta.patientId} ${meta.phase}`;
    const map = predicted.subarray(i * pixels, (i + 1) * pixels);
    get(small, key).add(prepared.labels.subarray(i * pixels, (i + 1) * pixels), map);
    const source = meta.source ?? { height: prepared.size, width: prepared.size };
    get(full, key).add(slices[i].label, restoreLabelMap(map, prepared.size, source));
  });
  return { prepared: average([...small.values()]), native: average([...full.values()]) };
}
