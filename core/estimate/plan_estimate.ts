/**
 * The cost estimate of a plan: the cohort's size (from the data artifact, prepared now if
 * needed: the run reuses it), calibrated seconds per batch on the active backend, and the
 * cost model, summed per step kind over the steps still to do.
 *
 * @module
 */
import type { StepGraph } from "../plan/step.ts";
import type { DataStep, Step, StepKind } from "../plan/step.ts";
import { STEP_KINDS } from "../plan/step.ts";
import { unfinishedSteps } from "../plan/unfinished_steps.ts";
import type { StepEstimate } from "../run/grid_eta.ts";
import { loadData } from "../steps/data/data_step.ts";
import { pluginContext, type StepEnv } from "../steps/env.ts";
import { runStep } from "../steps/run_step.ts";
import { formatDuration } from "../util/duration.ts";
import { currentLoad } from "../util/machine.ts";
import { Calibration, type Probe } from "./calibration.ts";
import { type CohortCounts, probesOf, stepSeconds } from "./step_costs.ts";

/** One row of the estimate: a step kind. */
export interface KindEstimate {
  readonly kind: StepKind;
  readonly steps: number;
  readonly todo: number;
  /** Seconds of the steps to do; undefined when some could not be estimated. */
  readonly seconds?: number;
  /** The longest step to do. */
  readonly longest?: number;
}

/** The estimate of a plan. */
export interface PlanEstimate {
  readonly backend: string;
  readonly calibration: Calibration;
  readonly counts: CohortCounts;
  readonly kinds: readonly KindEstimate[];
  readonly seconds?: number;
  /** Load average while the missing timings were measured. */
  readonly load?: number;
  /** Timings that could not be measured: the probe and the error (its steps show `?`). */
  readonly failed: readonly string[];
}

function dataStepOf(graph: StepGraph): DataStep {
  return graph.steps.find((s): s is DataStep => s.kind === "data")!;
}

/** Patients and slices of the prepared cohort, and the split's set sizes. */
export async function cohortCounts(env: StepEnv, graph: StepGraph): Promise<CohortCounts> {
  const data = await loadData(env, dataStepOf(graph).id);
  const patients = data.patients.length;
  const split = graph.steps.find((s) => s.kind === "split")?.settings.split;
  const predefined = split?.mode === "predefined" ? data.predefinedSplit : undefined;
  const test = predefined?.test.length || Math.round(patients * (split?.test ?? 0.2));
  const val = predefined?.val.length || Math.round(patients * (split?.val ?? 0.2));
  return {
    patients,
    slices: data.prepared.count,
    size: data.prepared.size,
    train: predefined?.train.length ?? patients - test - val,
    val,
    test,
  };
}

/** Seconds of the data step: its manifest's, once finished. */
async function dataSeconds(env: StepEnv, graph: StepGraph): Promise<number | undefined> {
  const id = dataStepOf(graph).id;
  return await env.store.has(id) ? (await env.store.manifest(id)).seconds : undefined;
}

/**
 * Estimates what the unfinished steps cost. Prepares the data first when it is not
 * (`log` says so), and measures the timings the cache lacks (all with `fresh`).
 */
export async function estimatePlan(
  env: StepEnv,
  graph: StepGraph,
  options: { readonly fresh?: boolean } = {},
): Promise<PlanEstimate> {
  const data = dataStepOf(graph);
  const check = await env.store.verify(data.id);
  if (check.status !== "ok") {
    if (check.status === "damaged") await env.store.quarantine(data.id);
    env.log.info(`preparing the data to count its slices (the run reuses it): ${data.label}`);
    await runStep(env, data);
  }
  const counts = await cohortCounts(env, graph);
  const calibration = await Calibration.open(env.backend);
  const { todo } = await unfinishedSteps(graph, env.store);
  const context = pluginContext(env, 1);
  const timings = new Map<string, number | undefined>();
  const failed: string[] = [];
  // After a failure (say, out of wasm memory) the backend is unreliable: time no more networks.
  let broken = false;
  const load = currentLoad();
  for (const step of todo) {
    for (const probe of probesOf(step, counts)) {
      const key = JSON.stringify(probe);
      if (timings.has(key)) continue;
      const measure = options.fresh || !calibration.cached(probe);
      if (measure && broken && probe.what !== "postprocess") {
        timings.set(key, undefined);
        failed.push(`${describe(probe)}: not timed (the backend failed before)`);
        continue;
      }
      if (measure) env.log.info(`calibrating: ${describe(probe)}`);
      try {
        timings.set(key, await calibration.seconds(probe, env.registry, context, options.fresh));
      } catch (error) {
        broken = true;
        timings.set(key, undefined);
        failed.push(`${describe(probe)}: ${(error as Error).message}`);
        env.log.warn(`calibrating ${describe(probe)} failed: ${(error as Error).message}`);
      }
    }
  }
  const lookup = (probe: Probe) => timings.get(JSON.stringify(probe));
  const seconds = new Map<string, number | undefined>();
  const dataTime = await dataSeconds(env, graph);
  for (const step of todo) seconds.set(step.id, stepSeconds(step, counts, lookup, dataTime));
  const kinds = kindRows(graph.steps, todo, seconds);
  const total = kinds.every((k) => k.todo === 0 || k.seconds !== undefined)
    ? kinds.reduce((sum, k) => sum + (k.seconds ?? 0), 0)
    : undefined;
  return {
    backend: env.backend,
    calibration,
    counts,
    kinds,
    seconds: total,
    load: calibration.measured.length > 0 ? load : undefined,
    failed,
  };
}

function describe(probe: Probe): string {
  if (probe.what === "postprocess") return `${probe.chain.map((c) => c.plugin).join(" + ")}`;
  const xai = probe.xai ? ` ${probe.xai.plugin}` : "";
  return `${probe.network.plugin}${xai} (${probe.what}, batch ${probe.batch} of ` +
    `${probe.inputShape.join("×")})`;
}

function kindRows(
  steps: readonly Step[],
  todo: readonly Step[],
  seconds: ReadonlyMap<string, number | undefined>,
): KindEstimate[] {
  return STEP_KINDS.flatMap((kind) => {
    const all = steps.filter((s) => s.kind === kind);
    if (all.length === 0) return [];
    const mine = todo.filter((s) => s.kind === kind);
    const values = mine.map((s) => seconds.get(s.id));
    const known = values.every((v) => v !== undefined);
    const sum = known ? values.reduce((a, b) => a! + b!, 0) : undefined;
    const longest = known && values.length > 0 ? Math.max(...values as number[]) : undefined;
    return [{ kind, steps: all.length, todo: mine.length, seconds: sum, longest }];
  });
}

/**
 * Expected seconds per step from cached timings only (nothing is measured): the run's ETA
 * before a step of each kind has finished. Undefined until the data is prepared.
 */
export async function cachedStepEstimate(
  env: StepEnv,
  graph: StepGraph,
): Promise<StepEstimate | undefined> {
  if ((await env.store.verify(dataStepOf(graph).id)).status !== "ok") return undefined;
  const counts = await cohortCounts(env, graph);
  const calibration = await Calibration.open(env.backend);
  const dataTime = await dataSeconds(env, graph);
  const lookup = (probe: Probe) => calibration.cached(probe)?.seconds;
  return (step) => stepSeconds(step, counts, lookup, dataTime);
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "?";
  return seconds < 1 ? "< 1 s" : formatDuration(seconds);
}

/** The estimate as a table, with how it was made. */
export function formatEstimate(estimate: PlanEstimate): string {
  const { calibration, counts } = estimate;
  const m = calibration.machine;
  const rows = estimate.kinds.map((k) => [
    k.kind,
    `${k.todo} of ${k.steps}`,
    k.todo === 0 ? "" : duration(k.longest),
    k.todo === 0 ? "done" : duration(k.seconds),
  ]);
  const table = [["step kind", "to do", "longest", "total"], ...rows, [
    "all",
    "",
    "",
    duration(estimate.seconds),
  ]];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const measured = calibration.measured.length > 0
    ? `; ${calibration.measured.length} timings measured now` +
      (estimate.load === undefined ? "" : ` at load ${estimate.load.toFixed(1)}`)
    : "";
  return [
    `cost estimate on ${estimate.backend}, ${m.cpu} (${m.cores} cores), for ${counts.patients} ` +
    `patients, ${counts.slices} slices at ${counts.size}×${counts.size}` +
    ` (timings cached in ${calibration.path}${measured}):`,
    ...table.map((row) => "  " + row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()),
    "Upper bounds: training counts every epoch (early stopping usually ends sooner); on a " +
    "busy machine, timings measured at a high load overestimate.",
    ...failedLines(estimate),
  ].join("\n");
}

/** What could not be timed, and what that likely means for the run. */
function failedLines(estimate: PlanEstimate): string[] {
  if (estimate.failed.length === 0) return [];
  return [
    `Could not time on ${estimate.backend} (its steps show ?):`,
    ...estimate.failed.map((f) => `  ${f}`),
    "The run would likely fail the same way: an out-of-bounds or allocation error means the " +
    "network does not fit this backend's memory at that batch size (tfjs' wasm backend fails " +
    "past 2 GiB of heap); use a GPU backend, a smaller batchSize, or the slurm executor on a GPU partition.",
  ];
}
