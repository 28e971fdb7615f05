/**
 * `status <out>` for runs of this machine: each step of the last run's plan marked done,
 * running, failed, interrupted or to do, from the artifact store, the failure records and
 * `run.json`.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { formatDuration } from "../util/duration.ts";
import { storeOf } from "./run_setup.ts";
import type { StepFailure } from "../plugin/executor.ts";
import { failurePath, stepLogPath } from "./step_records.ts";
import { readRunRecord, recordProcessAlive, type RunRecord } from "./run_record.ts";

/** Where a step stands. */
export type StepState = "done" | "running" | "failed" | "interrupted" | "to do";

/** One step's line of the status. */
export interface StepStatus {
  readonly id: string;
  readonly label: string;
  readonly state: StepState;
  readonly detail?: string;
}

/** The status of an output folder. */
export interface LocalStatus {
  readonly outDir: string;
  readonly record: RunRecord;
  /** Whether the run is going on now (undefined: another host, cannot tell). */
  readonly active: boolean | undefined;
  readonly steps: readonly StepStatus[];
}

/** Reads the status of `outDir`; a clear error when it does not exist or holds no run. */
export async function localStatus(outDir: string, now = new Date()): Promise<LocalStatus> {
  await assertFolder(outDir);
  const record = await readRunRecord(outDir);
  if (!record) {
    throw new ConfigError(
      `${outDir} holds no run record (run.json): not an output folder of \`experiment run\` ` +
        `(or one from before run records); \`experiment plan <file> --out ${outDir}\` lists ` +
        `what is done`,
    );
  }
  const store = storeOf(outDir);
  const active = record.endedAt === undefined ? recordProcessAlive(record) : false;
  const steps = await Promise.all(record.steps.map(async (step): Promise<StepStatus> => {
    const base = { id: step.id, label: step.label };
    if (await store.has(step.id)) {
      const seconds = (await store.manifest(step.id)).seconds;
      return { ...base, state: "done", detail: formatDuration(seconds) };
    }
    const running = (record.running ?? (record.current ? [record.current] : []))
      .find((r) => r.id === step.id);
    if (running && record.endedAt === undefined) {
      const since = formatDuration((now.getTime() - Date.parse(running.since)) / 1000);
      if (active === false) {
        return { ...base, state: "interrupted", detail: `process ${record.pid} is gone` };
      }
      return {
        ...base,
        state: "running",
        detail: `for ${since}, log ${stepLogPath(outDir, step.id)}`,
      };
    }
    const failure = await readFailure(outDir, step.id);
    if (failure) {
      const why = failure.cause ? `skipped: needs ${failure.cause}` : failure.error;
      return { ...base, state: "failed", detail: `${why}; log ${stepLogPath(outDir, step.id)}` };
    }
    return { ...base, state: "to do" };
  }));
  return { outDir, record, active, steps };
}

async function assertFolder(outDir: string): Promise<void> {
  try {
    if (!(await Deno.stat(outDir)).isDirectory) {
      throw new ConfigError(`${outDir} is a file, not an output folder`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(
        `no output folder ${outDir} (a run writes to out/<experiment name> unless --out says ` +
          `otherwise; \`experiment plan <file>\` shows where)`,
      );
    }
    throw error;
  }
}

async function readFailure(outDir: string, id: string): Promise<StepFailure | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(failurePath(outDir, id)));
  } catch {
    return undefined;
  }
}

/** The status as text: a header, one line per step, then the counts. */
export function formatLocalStatus(status: LocalStatus): string {
  const { record } = status;
  const how = status.active === true
    ? `running now (process ${record.pid} on ${record.host})`
    : status.active === undefined
    ? `started on ${record.host} (cannot tell from here whether it still runs)`
    : record.endedAt
    ? `ended ${record.endedAt}`
    : `stopped without finishing (process ${record.pid} is gone)`;
  const counts = new Map<StepState, number>();
  for (const step of status.steps) counts.set(step.state, (counts.get(step.state) ?? 0) + 1);
  const cells = new Set(record.cells);
  const cellsDone = status.steps.filter((s) => cells.has(s.id) && s.state === "done").length;
  const order: StepState[] = ["done", "running", "failed", "interrupted", "to do"];
  return [
    `${status.outDir}: experiment "${record.experiment}" on ${record.backend}, started ` +
    `${record.startedAt}, ${how}`,
    ...status.steps.map((s) =>
      `${s.state.padEnd(11)} ${s.label}${s.detail ? `  (${s.detail})` : ""}`
    ),
    `${status.steps.length} steps: ` +
    order.flatMap((state) => counts.get(state) ? [`${counts.get(state)} ${state}`] : []).join(
      ", ",
    ) +
    `; ${cellsDone} of ${cells.size} grid cells done; report: ${
      join(status.outDir, "report", "index.html")
    }`,
  ].join("\n");
}
