/**
 * The experiment as it ran: the file with the `--set` overrides applied and relative plugin
 * paths made absolute, so the copy loads from any folder. Runs write it to
 * `<out>/experiment.json`; Slurm submissions give it to their jobs.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { readExperimentJson } from "./experiment.ts";

/** Writes the snapshot of experiment file `source` (with `set` applied) to `target`. */
export async function snapshotExperiment(
  source: string,
  target: string,
  set: readonly string[] = [],
): Promise<void> {
  const raw = await readExperimentJson(source, set) as Record<string, unknown>;
  const base = dirname(resolve(source));
  if (Array.isArray(raw.plugins)) {
    raw.plugins = raw.plugins.map((p: unknown) =>
      typeof p === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(p) && !isAbsolute(p)
        ? resolve(base, p)
        : p
    );
  }
  delete raw.$schema;
  await writeTextAtomic(target, JSON.stringify(raw, null, 2) + "\n");
}
