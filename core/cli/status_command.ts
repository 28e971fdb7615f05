/**
 * `experiment status <out>`: where the steps of an output folder stand. Slurm submissions
 * are asked about through the scheduler; local runs are read from the folder.
 *
 * @module
 */
import { formatLocalStatus, localStatus } from "../run/local_status.ts";
import { readRunRecord } from "../run/run_record.ts";
import { readRecords } from "../../plugins/executor/slurm/records.ts";
import { slurmStatusText } from "../../plugins/executor/slurm/commands.ts";

/** The status text of `outDir`. */
export async function statusText(outDir: string): Promise<string> {
  const record = await readRunRecord(outDir).catch(() => undefined);
  const slurm = record?.executor === "slurm" ||
    (record === undefined && (await readRecords(outDir).catch(() => [])).length > 0);
  if (slurm) return await slurmStatusText(outDir);
  return formatLocalStatus(await localStatus(outDir));
}
