/**
 * A copy of the experiment file for the jobs of one submission, so editing the file while
 * jobs wait in the queue does not change what they run. Relative plugin paths become
 * absolute, since the copy lives in another folder.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { writeTextAtomic } from "../../../core/util/atomic_write.ts";
import { ConfigError } from "../../../core/util/errors.ts";

/** Copies the experiment file `source` to `target`, with plugin paths made absolute. */
export async function snapshotExperiment(source: string, target: string): Promise<void> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await Deno.readTextFile(source));
  } catch (error) {
    throw new ConfigError(`cannot read experiment file ${source}: ${(error as Error).message}`);
  }
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
