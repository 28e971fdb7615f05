/**
 * Class weights for imbalanced classes: scikit-learn's `balanced` heuristic,
 * `n_samples / (n_classes · count(c))`, or weights given in the experiment file.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError } from "../util/errors.ts";
import { boundedNumber } from "../util/zod_format.ts";

/** The `classWeights` field: `none`, `balanced`, or one weight per class. */
export const classWeightsSchema = z.union([
  z.enum(["none", "balanced"]),
  z.array(boundedNumber(0, 1e6)).min(2, { error: "expected one weight per class" }),
]);

/** Class-weight settings. */
export type ClassWeightsSetting = z.output<typeof classWeightsSchema>;

/** Number of occurrences of each class `0 … numClasses-1` in `labels`. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < numClasses)) {
      throw new RangeError(`label ${label} at ${i} is not a class index below ${numClasses}`);
    }
    counts[label]++;
  }
  return counts;
}

/**
 * scikit-learn's `compute_class_weight("balanced")`: `n / (k · count(c))`, so every class
 * carries the same total weight. A class absent from `labels` gets weight 1.
 */
export function balancedClassWeights(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = classCounts(labels, numClasses);
  return counts.map((count) => count === 0 ? 1 : labels.length / (numClasses * count));
}

/** The weights a setting asks for (undefined for `none`), checked against `numClasses`. */
export function resolveClassWeights(
  setting: ClassWeightsSetting,
  labels: ArrayLike<number>,
  numClasses: number,
): number[] | undefined {
  if (setting === "none") return undefined;
  if (setting === "balanced") return balancedClassWeights(labels, numClasses);
  if (setting.length !== numClasses) {
    throw new ConfigError(
      `classWeights: expected ${numClasses} weights (one per class), got ${setting.length}`,
    );
  }
  return [...setting];
}
