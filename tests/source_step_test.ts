/**
 * Every built-in prior source through the pipeline on a small synthetic cohort: what each
 * source step computes, depends on and stores.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseExperiment } from "../core/config/experiment.ts";
import { planSteps } from "../core/plan/planner.ts";
import type { SourceStep } from "../core/plan/step.ts";
import { readFloat32 } from "../core/run/artifact_store.ts";
import { runExperiment, storeOf } from "../core/run/runner.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { camQuality } from "../core/xai/cam_quality.ts";
import { populationPrior } from "../core/steps/prior/population_prior.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const training = { epochs: 1, batchSize: 16, learningRate: 0.01 };
const registry = builtinRegistry();
const file = {
  name: "sources-test",
  backend: "cpu",
  dataset: { plugin: "synthetic", options: { patientsPerGroup: 3, imageSize: 32, slices: 2 } },
  preprocess: { size: 24 },
  classifier: {
    plugin: "tiny-cnn",
    options: { filters: 4, blocks: 2 },
    input: "ed-es",
    target: "phase",
    training,
  },
  priors: {
    CAM: { source: "cam", options: { layer: [2, -1] } },
    RND: { source: "random-cam", options: { layer: [2, -1] } },
    M: { source: "motion" },
    CONST: { source: "constant", options: { value: 0.5 } },
    POP: { source: "population" },
  },
  segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
  grid: {
    channels: ["1Ch+CAM", "1Ch+RND", "1Ch+M", "1Ch+CONST", "1Ch+POP"],
    sampleSizes: [100],
  },
};
const experiment = parseExperiment(file, registry);

const out = await Deno.makeTempDir();
const summary = await runExperiment(experiment, registry, {
  outDir: out,
  signal: new AbortController().signal,
  log: memoryLogger(),
  progress: silentProgress,
});
const store = storeOf(out);
const sources = summary.graph.steps.filter((s): s is SourceStep => s.kind === "source");
const sourceOf = (plugin: string, seed = 1) =>
  sources.find((s) => s.settings.source.plugin === plugin && (s.settings.seed ?? 1) === seed)!;
const data = summary.graph.steps.find((s) => s.kind === "data")!;
const index = JSON.parse(await Deno.readTextFile(join(store.dir(data.id), "index.json")));
const pixels = index.size * index.size;
const labels = await Deno.readFile(join(store.dir(data.id), "labels.u8")).catch(() => undefined);

async function mapsOf(step: SourceStep): Promise<Float32Array> {
  const dir = store.dir(step.id);
  try {
    return await readFloat32(join(dir, "maps.f32"));
  } catch {
    return await readFloat32(join(dir, "map.f32"));
  }
}

Deno.test("sources: every cell ran; label-free sources are planned once for all seeds", () => {
  assert.equal(summary.failed.length, 0, JSON.stringify(summary.failed));
  const twoSeeds = planSteps(
    parseExperiment({ ...file, seeds: [1, 2] }, registry),
    registry,
    "cpu",
  );
  const count = (plugin: string) =>
    twoSeeds.steps.filter((s) => s.kind === "source" && s.settings.source.plugin === plugin)
      .length;
  assert.equal(count("motion"), 1, "motion depends on neither seed nor labels");
  assert.equal(count("constant"), 1);
  assert.equal(count("cam"), 2);
  assert.equal(count("random-cam"), 2);
  assert.equal(count("population"), 2);
});

Deno.test("sources: cam explains the trained ed-es/phase classifier, random-cam trains nothing", () => {
  const cam = sourceOf("cam"), rnd = sourceOf("random-cam");
  const classifier = summary.graph.steps.find((s) => s.id === cam.settings.classifier?.trained)!;
  assert.equal(classifier.kind, "classifier");
  assert.ok(classifier.kind === "classifier" && classifier.settings.input === "ed-es");
  assert.ok(classifier.kind === "classifier" && classifier.settings.target === "phase");
  assert.equal(rnd.settings.classifier?.trained, undefined);
  assert.ok(!rnd.deps.some((id) => id.startsWith("classifier-")), "no training for the control");
  assert.deepEqual(rnd.settings.classifier?.network, cam.settings.classifier?.network);
});

Deno.test("sources: random-cam differs from cam; both are maps in [0, 1] per slice", async () => {
  const [cam, rnd] = [await mapsOf(sourceOf("cam")), await mapsOf(sourceOf("random-cam"))];
  assert.equal(cam.length, index.count * pixels);
  assert.equal(rnd.length, cam.length);
  assert.ok(cam.every((v) => v >= 0 && v <= 1) && rnd.every((v) => v >= 0 && v <= 1));
  const differing = cam.filter((v, i) => Math.abs(v - rnd[i]) > 1e-3).length;
  assert.ok(differing > cam.length / 10, `only ${differing} of ${cam.length} values differ`);
  const randomisation = JSON.parse(
    await Deno.readTextFile(join(store.dir(sourceOf("cam").id), "randomisation.json")),
  );
  assert.equal(typeof randomisation.spearman, "number");
});

Deno.test("sources: the constant prior is constant, stored once for all slices", async () => {
  const maps = await mapsOf(sourceOf("constant"));
  assert.equal(maps.length, pixels);
  assert.ok(maps.every((v) => v === 0.5));
});

Deno.test("sources: the motion prior puts its mass on the synthetic heart", async () => {
  assert.ok(labels, "the data artifact stores its labels");
  const quality = camQuality(await mapsOf(sourceOf("motion")), labels!, pixels);
  // the synthetic heart covers about 45% of the slice, so twice chance is out of reach
  assert.ok(
    quality.massInHeart > 1.2 * quality.heartShare,
    `motion: mass on heart ${quality.massInHeart} vs share ${quality.heartShare}`,
  );
});

Deno.test("sources: the population prior is the mean heart mask of the labelled patients", async () => {
  const split = summary.graph.steps.find((s) => s.kind === "split")!;
  const { train } = JSON.parse(await Deno.readTextFile(join(store.dir(split.id), "split.json")));
  const meta = index.meta as { patientId: string }[];
  const rows = meta.flatMap((m, i) => train.includes(m.patientId) ? [i] : []);
  const trainLabels = Uint8Array.from(
    rows.flatMap((i) => Array.from(labels!.subarray(i * pixels, (i + 1) * pixels))),
  );
  const expected = populationPrior(trainLabels, index.size, index.size).data;
  assert.deepEqual(Array.from(await mapsOf(sourceOf("population"))), Array.from(expected));
});

Deno.test("sources: the report gives every source's quality vs the heart at threshold 0.5", async () => {
  const rows = JSON.parse(
    await Deno.readTextFile(join(summary.reportDir!, "prior_quality.json")),
  ) as {
    prior: string;
    source: string;
    threshold: number;
    mean: { iou: number; dice: number };
    pooled: { iou: number };
    massInHeart: number;
    heartShare: number;
  }[];
  assert.deepEqual(
    rows.map((r) => `${r.prior}:${r.source}`).sort(),
    ["CAM:cam", "CONST:constant", "M:motion", "POP:population", "RND:random-cam"],
  );
  for (const r of rows) {
    assert.equal(r.threshold, 0.5);
    for (const value of [r.mean.iou, r.mean.dice, r.massInHeart]) {
      assert.ok(value >= 0 && value <= 1, `${r.prior}: ${value} outside [0, 1]`);
    }
  }
  const row = (prior: string) => rows.find((r) => r.prior === prior)!;
  // a flat map puts the heart's share of the pixels on the heart; at 0.5 (≥ threshold) it
  // covers the whole slice, so its pooled IoU is that share too
  const flat = row("CONST");
  assert.ok(Math.abs(flat.massInHeart - flat.heartShare) < 1e-6);
  assert.ok(Math.abs(flat.pooled.iou - flat.heartShare) < 1e-6);
  assert.ok(row("M").massInHeart > row("M").heartShare, "motion knows where the heart is");
  assert.ok(row("M").mean.iou > 0);
});
