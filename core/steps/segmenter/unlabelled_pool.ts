/**
 * The unlabelled pool of a cell: the training patients that have no segmentation labels at
 * the cell's sample size. Semi-supervised strategies learn from their images (and prior
 * channels); validation and test patients never enter it, labelled or not.
 *
 * @module
 */
import { CampriorError } from "../../util/errors.ts";
import type { PatientSplit } from "../split/split.ts";

/**
 * Training patients not in `labelled`, in the split's order. Throws if one of them is a
 * validation or test patient (a split that names a patient twice).
 */
export function unlabelledPatients(split: PatientSplit, labelled: readonly string[]): string[] {
  const taken = new Set(labelled);
  const held = new Set([...split.val, ...split.test]);
  const pool = split.train.filter((id) => !taken.has(id));
  const leaked = pool.find((id) => held.has(id));
  if (leaked !== undefined) {
    throw new CampriorError(
      `unlabelled pool: patient ${leaked} is a validation or test patient; it must not be used`,
    );
  }
  return pool;
}
