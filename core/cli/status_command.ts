/**
 * `experiment status <out>`: where the steps of an output folder stand. Executors that
 * submit jobs (e.g. Slurm) report on them through their `status` hook; local runs are read
 * from the folder.
 *
 * @module
 */
import type { Registry } from "../plugin/registry.ts";
import { formatLocalStatus, localStatus } from "../run/local_status.ts";
import { readRunRecord } from "../run/run_record.ts";
import { executorStatus } from "../run/runner.ts";

/** The status text of `outDir`. */
export async function statusText(outDir: string, registry: Registry): Promise<string> {
  const record = await readRunRecord(outDir).catch(() => undefined);
  if (record?.executor !== "local") {
    const report = await executorStatus(outDir, registry);
    if (report !== undefined) return report;
  }
  return formatLocalStatus(await localStatus(outDir));
}
