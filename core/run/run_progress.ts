/**
 * The runner's step events: a line per step with the grid's progress and ETA, and
 * `<out>/run.json` kept current for `status`.
 *
 * @module
 */
import type { Step } from "../plan/step.ts";
import type { ArtifactStore } from "./artifact_store.ts";
import type { Logger } from "../util/logger.ts";
import { GridClock, type StepEstimate } from "./grid_eta.ts";
import type { RunRecorder } from "./run_record.ts";
import type { StepEvents } from "./step_events.ts";

/**
 * Events that log `[3/17] segmenter 1Ch @ 25% seed 1 · 2/17 steps done, ~12 min left (ETA
 * 14:05)` and keep the run record. Earlier runs' manifests seed the per-kind timings.
 */
export function runProgressEvents(
  log: Logger,
  store: ArtifactStore,
  recorder: RunRecorder,
  graphSteps: readonly Step[],
  estimate?: StepEstimate,
): StepEvents & { readonly clock: () => GridClock | undefined } {
  let clock: GridClock | undefined;
  return {
    clock: () => clock,
    planned: async (todo) => {
      clock = new GridClock(todo, estimate);
      await seedFromManifests(clock, store, graphSteps, todo);
      if (todo.length > 0) log.info(`${todo.length} steps to compute: ${clock.summary()}`);
    },
    started: async (step, position) => {
      clock?.started(step);
      const grid = clock ? ` · ${clock.summary()}` : "";
      log.info(`[${position}/${clock?.total ?? "?"}] ${step.label}${grid}`);
      await recorder.stepStarted(step.id);
    },
    finished: async (step, seconds) => {
      clock?.finished(step, seconds);
      await recorder.stepEnded(step.id);
    },
    failed: async (step) => {
      clock?.dropped(step);
      await recorder.stepEnded(step.id);
    },
  };
}

/** Timings of finished steps of the graph (earlier runs), by their manifests. */
async function seedFromManifests(
  clock: GridClock,
  store: ArtifactStore,
  steps: readonly Step[],
  todo: readonly Step[],
): Promise<void> {
  const pending = new Set(todo.map((s) => s.id));
  for (const step of steps) {
    if (pending.has(step.id) || !(await store.has(step.id))) continue;
    const seconds = (await store.manifest(step.id)).seconds;
    if (Number.isFinite(seconds)) clock.measured(step, seconds);
  }
}
