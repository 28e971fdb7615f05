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
  // The run may execute in phases (data and split first, then the rest): positions and
  // totals count across them, and the first phase already counts the grid's unfinished steps.
  const history: { step: Step; seconds?: number }[] = [];
  let startedBefore = 0, startedNow = 0;
  return {
    clock: () => clock,
    planned: async (todo) => {
      const first = clock === undefined;
      startedBefore += startedNow;
      startedNow = 0;
      const ahead = first ? await unfinished(store, graphSteps, todo) : [];
      const earlier = history.map((h) => h.step);
      clock = new GridClock([...earlier, ...todo, ...ahead], estimate);
      await seedFromManifests(clock, store, graphSteps, [...earlier, ...todo]);
      for (const h of history) {
        if (h.seconds === undefined) clock.dropped(h.step);
        else clock.finished(h.step, h.seconds);
      }
      if (first && clock.total > 0) log.info(`${clock.total} steps to compute: ${clock.summary()}`);
    },
    started: async (step, position) => {
      clock?.started(step);
      startedNow = Math.max(startedNow, position);
      const grid = clock ? ` · ${clock.summary()}` : "";
      log.info(`[${startedBefore + position}/${clock?.total ?? "?"}] ${step.label}${grid}`);
      await recorder.stepStarted(step.id);
    },
    finished: async (step, seconds) => {
      clock?.finished(step, seconds);
      history.push({ step, seconds });
      await recorder.stepEnded(step.id);
    },
    failed: async (step) => {
      clock?.dropped(step);
      history.push({ step });
      await recorder.stepEnded(step.id);
    },
  };
}

/** Steps of the graph not finished and not in `todo` (those a later phase will run). */
async function unfinished(
  store: ArtifactStore,
  steps: readonly Step[],
  todo: readonly Step[],
): Promise<Step[]> {
  const planned = new Set(todo.map((s) => s.id));
  const rest: Step[] = [];
  for (const step of steps) {
    if (!planned.has(step.id) && !(await store.has(step.id))) rest.push(step);
  }
  return rest;
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
