/**
 * Prior quality for the report: overlap of each thresholded prior with the ground-truth
 * heart (RV ∪ MYO ∪ LV) on the test slices, the threshold-free share of the prior's mass on
 * the heart, and the model randomisation check of the classifier-derived priors.
 *
 * @module
 */
import type { StepGraph } from "../plan/step.ts";
import { patientSubset } from "../steps/data/subsets.ts";
import { loadData } from "../steps/data/data_step.ts";
import type { StepEnv } from "../steps/env.ts";
import { loadMaps, loadRandomisation } from "../steps/prior/maps.ts";
import { loadSplit } from "../steps/split/split_step.ts";
import { priorChannels, type SegmenterStep, type Step } from "../plan/step.ts";
import { camQuality, type OverlapScores } from "../xai/cam_quality.ts";
import { populationPrior } from "../steps/prior/population_prior.ts";
import { escapeHtml } from "./table1.ts";

/** Quality of one prior source (one step's maps). */
export interface PriorQuality {
  readonly prior: string;
  /** The prior source plugin. */
  readonly source: string;
  readonly seed: number;
  readonly sampleSize?: number;
  /** Whether the maps are a population prior (then the population check does not apply). */
  readonly population: boolean;
  readonly stepId: string;
  readonly threshold: number;
  /** Mean over test slices. */
  readonly mean: OverlapScores;
  /** From the pixels of all test slices together. */
  readonly pooled: OverlapScores;
  /** Share of the maps' mass on the heart (threshold-free). */
  readonly massInHeart: number;
  /** Share of the test pixels that are heart (a flat map's `massInHeart`). */
  readonly heartShare: number;
  /** Spearman correlation of trained vs randomised classifier maps (lower is better). */
  readonly randomisationSpearman?: number;
  /** Recipes of the grid that use this prior. */
  readonly recipes: readonly string[];
  /**
   * Mean IoU of the population prior of all the seed's training patients (where hearts
   * usually are), thresholded alike: the bar any image-specific prior has to clear.
   */
  readonly populationIou: number;
}

const THRESHOLD = 0.5;

/** The source step a prior step derives from, or the step itself. */
function rootOf(graph: StepGraph, step: Step): Step {
  if (step.kind !== "prior") return step;
  return graph.steps.find((s) => s.id === step.settings.source) ?? step;
}

/** Mean IoU of the population prior of the seed's training patients on its test slices. */
async function populationIouOf(env: StepEnv, cell: SegmenterStep): Promise<number> {
  const data = await loadData(env, cell.settings.data);
  const split = await loadSplit(env, cell.settings.split);
  const { size } = data.prepared;
  const train = patientSubset(data.prepared, new Map(), split.train).slices;
  const test = patientSubset(data.prepared, new Map(), split.test).slices;
  if (train.count === 0 || test.count === 0) return NaN;
  const map = populationPrior(train.labels, size, size).data;
  const maps = new Float32Array(test.count * map.length);
  for (let i = 0; i < test.count; i++) maps.set(map, i * map.length);
  return camQuality(maps, test.labels, size * size, { threshold: THRESHOLD }).mean.iou;
}

async function qualityOf(
  env: StepEnv,
  graph: StepGraph,
  cell: SegmenterStep,
  name: string,
  stepId: string,
): Promise<Omit<PriorQuality, "populationIou">> {
  const data = await loadData(env, cell.settings.data);
  const split = await loadSplit(env, cell.settings.split);
  const priors = new Map([[name, await loadMaps(env, stepId)]]);
  const test = patientSubset(data.prepared, priors, split.test);
  const pixels = test.slices.size * test.slices.size;
  const quality = camQuality(test.priors.get(name)!, test.slices.labels, pixels, {
    threshold: THRESHOLD,
  });
  const root = rootOf(graph, graph.steps.find((s) => s.id === stepId)!);
  const source = root.kind === "source" ? root.settings : undefined;
  const randomisation = source?.classifier ? await loadRandomisation(env, root.id) : undefined;
  return {
    prior: name,
    source: source?.source.plugin ?? "?",
    seed: cell.settings.seed,
    sampleSize: source?.labels ? cell.settings.sample.size : undefined,
    population: source?.source.plugin === "population",
    stepId,
    threshold: THRESHOLD,
    mean: quality.mean,
    pooled: quality.pooled,
    massInHeart: quality.massInHeart,
    heartShare: quality.heartShare,
    randomisationSpearman: randomisation?.spearman,
    recipes: [
      ...new Set(
        graph.cells.filter((c) => c.settings.channels.includes(stepId))
          .map((c) => c.recipe.name),
      ),
    ],
  };
}

/** Quality of every prior source the finished cells used. */
export async function priorQuality(
  env: StepEnv,
  graph: StepGraph,
  finished: ReadonlySet<string>,
): Promise<PriorQuality[]> {
  const seen = new Set<string>();
  const population = new Map<number, number>();
  const rows: PriorQuality[] = [];
  for (const cell of graph.cells.filter((c) => finished.has(c.id))) {
    for (const channel of priorChannels(cell)) {
      if (seen.has(channel.step)) continue;
      seen.add(channel.step);
      const seed = cell.settings.seed;
      if (!population.has(seed)) population.set(seed, await populationIouOf(env, cell));
      rows.push({
        ...await qualityOf(env, graph, cell, channel.name, channel.step),
        populationIou: population.get(seed)!,
      });
    }
  }
  return rows;
}

const fixed = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(3);

/** The report section; `labels` names sample sizes (`15% (10 pts)`). */
export function priorQualityHtml(
  rows: readonly PriorQuality[],
  labels: ReadonlyMap<number, string>,
): string {
  if (rows.length === 0) return "";
  const body = rows.map((r) =>
    `<tr${!r.population && r.mean.iou < r.populationIou ? ' class="flagged"' : ""}><td>${
      escapeHtml(r.prior)
    }</td><td>${escapeHtml(r.source)}</td><td>${escapeHtml(r.recipes.join(", "))}</td>` +
    `<td>${r.seed}</td><td>${
      r.sampleSize === undefined ? "–" : escapeHtml(labels.get(r.sampleSize) ?? "")
    }</td>` +
    `<td>${fixed(r.mean.iou)}</td><td>${fixed(r.populationIou)}</td><td>${
      fixed(r.pooled.iou)
    }</td>` +
    `<td>${fixed(r.mean.dice)}</td><td>${fixed(r.mean.sensitivity)}</td>` +
    `<td>${fixed(r.mean.specificity)}</td><td>${fixed(r.massInHeart)}</td>` +
    `<td>${fixed(r.heartShare)}</td><td>${fixed(r.randomisationSpearman)}</td></tr>`
  ).join("\n");
  return `<h2 id="priors">Prior quality</h2>
<p>Each prior thresholded at ${THRESHOLD} against the heart (RV ∪ MYO ∪ LV) on the test slices:
IoU and Dice as the mean over slices (the paper: IoU 0.18 for CAM, 0.23 for CAM*) and IoU pooled
over all test pixels, beside the recipes that use it and the population prior of the seed's
training patients (the mean heart mask: no image needed), which a useful prior should beat; rows
below it are flagged. Mass on heart: the share of the map's summed values on the heart,
threshold-free; a map that knows nothing scores the heart's share of the pixels. Labels: the
sample size whose labelled patients a label-based prior used. Randomisation: Spearman
correlation of the maps of the trained classifier with those of a randomly initialised one
(Adebayo et al.); near 1 means the maps do not depend on what the classifier learned.</p>
<table><thead><tr><th>prior</th><th>source</th><th>recipes</th><th>seed</th><th>labels</th>
<th>IoU</th><th>population IoU</th><th>IoU pooled</th><th>Dice</th><th>sensitivity</th>
<th>specificity</th><th>mass on heart</th><th>heart share</th><th>randomisation ρ</th></tr></thead>
<tbody>${body}</tbody></table>`;
}
