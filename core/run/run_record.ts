/**
 * The record of a run in its output folder, `<out>/run.json`: the plan (every step with its
 * kind, label and dependencies), which process runs it and which step it is on. `status`
 * reads it to tell done, running, failed and to-do steps without the experiment file.
 *
 * @module
 */
import { join } from "node:path";
import { hostname } from "node:os";
import { writeTextAtomic } from "../util/atomic_write.ts";
import type { StepGraph } from "../plan/step.ts";

/** A step as the record lists it. */
export interface RecordedStep {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly deps: readonly string[];
}

/** A step being computed and since when (ISO time). */
export interface RunningStep {
  readonly id: string;
  readonly since: string;
}

/** `<out>/run.json`. */
export interface RunRecord {
  readonly experiment: string;
  readonly backend: string;
  readonly executor: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** Set when the run ended (normally, by failure or by Ctrl-C). */
  readonly endedAt?: string;
  /** The step being computed, while the run is in it (the latest started of `running`). */
  readonly current?: RunningStep;
  /** Every step being computed (several when a process pool runs them), oldest first. */
  readonly running?: readonly RunningStep[];
  readonly steps: readonly RecordedStep[];
  /** Segmenter step ids, one per grid cell. */
  readonly cells: readonly string[];
}

/** Path of the run record of an output folder. */
export function runRecordPath(outDir: string): string {
  return join(outDir, "run.json");
}

/** Keeps `<out>/run.json` up to date during a run. */
export class RunRecorder {
  #record: RunRecord;
  readonly #path: string;

  constructor(
    outDir: string,
    experiment: string,
    backend: string,
    executor: string,
    graph: StepGraph,
  ) {
    this.#path = runRecordPath(outDir);
    this.#record = {
      experiment,
      backend,
      executor,
      host: hostname(),
      pid: Deno.pid,
      startedAt: new Date().toISOString(),
      steps: graph.steps.map(({ id, kind, label, deps }) => ({ id, kind, label, deps })),
      cells: graph.cells.map((cell) => cell.id),
    };
  }

  /** Writes the record: at the start, at every step, and at the end. */
  async #write(change: Partial<RunRecord>): Promise<void> {
    this.#record = { ...this.#record, ...change };
    await writeTextAtomic(this.#path, JSON.stringify(this.#record, null, 2) + "\n");
  }

  start = () => this.#write({});
  stepStarted = (id: string) => {
    const step = { id, since: new Date().toISOString() };
    return this.#write({ current: step, running: [...this.#record.running ?? [], step] });
  };
  stepEnded = (id: string) => {
    const running = (this.#record.running ?? []).filter((step) => step.id !== id);
    return this.#write({ current: running.at(-1), running });
  };
  end = () => this.#write({ current: undefined, running: [], endedAt: new Date().toISOString() });
}

/** The run record of `outDir`, or undefined when no run has written one. */
export async function readRunRecord(outDir: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(runRecordPath(outDir)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Whether the process that wrote the record is still alive (known only on the same host). */
export function recordProcessAlive(record: RunRecord): boolean | undefined {
  if (record.host !== hostname()) return undefined;
  try {
    Deno.statSync(`/proc/${record.pid}`);
    return true;
  } catch {
    return Deno.build.os === "linux" ? false : undefined;
  }
}
