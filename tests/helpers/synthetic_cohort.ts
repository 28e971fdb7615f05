/**
 * Where a run of the `synthetic` dataset wrote its ACDC-layout NIfTI cohort (under the
 * output folder's `work/`), so tests can feed its files to `predict` and `explain`.
 *
 * @module
 */
import { join } from "node:path";

/** The cohort folder of the run in `out`. */
export async function syntheticCohortFolder(out: string): Promise<string> {
  for await (const entry of Deno.readDir(join(out, "work"))) {
    if (entry.name.startsWith("synthetic-acdc-") && !entry.name.includes(".tmp-")) {
      return join(out, "work", entry.name);
    }
  }
  throw new Error(`no synthetic cohort under ${out}/work`);
}
