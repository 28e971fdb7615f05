/** Hand-made cell results for report tests: per-patient scores decide every statistic. */
import type { CellResult } from "../../core/run/results.ts";

/** A finished cell whose test patients score `dice[i]` (fg Dice) and `iou[i]` (paper). */
export function cell(
  recipe: string,
  sampleSize: number,
  seed: number,
  dice: readonly number[],
  options: {
    trainPatients?: number;
    predictedShare?: number;
    hd95?: readonly number[];
    /** Volume × structure pairs without HD95 (of 2 volumes × 3 structures per patient). */
    undefinedDistances?: number;
  } = {},
): CellResult {
  const patients = dice.map((_, i) => `p${String(i).padStart(3, "0")}`);
  const mean = dice.reduce((a, b) => a + b, 0) / dice.length;
  const hd95 = options.hd95 ?? dice.map((d) => 20 * (1 - d));
  const truth = 1000 * dice.length;
  return {
    id: `${recipe}-${sampleSize}-${seed}`,
    recipe,
    strategy: "supervised",
    channels: ["image"],
    sampleSize,
    seed,
    backend: "cpu",
    status: "done",
    meanIoUWithBackground: 0.2 + 0.6 * mean,
    foregroundMeanDice: mean,
    perPatient: patients.map((patientId, i) => ({
      patientId,
      meanIoUWithBackground: 0.2 + 0.6 * dice[i],
      foregroundMeanDice: dice[i],
      iouPerClass: [0.9, dice[i], dice[i], dice[i]],
    })),
    perPatientVolume: patients.map((patientId, i) => ({
      patientId,
      foregroundDice: dice[i],
      hd95: hd95[i],
    })),
    trainPatients: options.trainPatients ?? Math.round(sampleSize / 5),
    valPatientIds: ["v1", "v2"],
    testPatients: dice.length,
    volume: {
      volumes: 2 * dice.length,
      unit: "px",
      foregroundDice: mean,
      dice: [mean, mean, mean],
      iou: [mean, mean, mean],
      sensitivity: [mean, mean, mean],
      specificity: [1, 1, 1],
      hd95: [1, 1, 1].map(() => hd95.reduce((a, b) => a + b, 0) / hd95.length),
      assd: [1, 1, 1],
      meanHd95: hd95.reduce((a, b) => a + b, 0) / hd95.length,
      meanAssd: 1,
      undefinedDistances: options.undefinedDistances ?? 0,
      truthForeground: truth,
      predictedForeground: truth * (options.predictedShare ?? 1),
    },
  };
}

/** `n` scores around `base`, spread deterministically. */
export function scores(n: number, base: number, spread = 0.05): number[] {
  return Array.from({ length: n }, (_, i) => base + spread * Math.sin(1.7 * i + 0.3));
}
