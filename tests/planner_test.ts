import assert from "node:assert/strict";
import { parseExperiment } from "../core/config/experiment.ts";
import { planSteps } from "../core/plan/planner.ts";
import { priorChannels, type Step, stepId } from "../core/plan/step.ts";
import { builtinRegistry } from "../plugins/mod.ts";

function experiment(overrides: Record<string, unknown> = {}) {
  return parseExperiment({
    name: "planner-test",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4 } },
    priors: {
      CAM: {},
      "CAM*": { postprocess: [{ plugin: "mode-filter", options: { size: 3 } }] },
      POP: { source: "population" },
    },
    segmenter: { plugin: "tiny-unet", training: { loss: "dice" } },
    grid: { channels: ["1Ch", "1Ch+CAM*", "1Ch+CAM+POP"], sampleSizes: [100, 50] },
    ...overrides,
  }, builtinRegistry());
}

const plan = (overrides: Record<string, unknown> = {}) =>
  planSteps(experiment(overrides), builtinRegistry(), "cpu");

/** Every step id a value mentions (settings name their inputs by id). */
function idsIn(value: unknown, ids: ReadonlySet<string>): string[] {
  if (typeof value === "string") return ids.has(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => idsIn(v, ids));
  if (value && typeof value === "object") return Object.values(value).flatMap((v) => idsIn(v, ids));
  return [];
}

Deno.test("planner: each id is the hash of exactly the step's settings, which name every input", () => {
  const { steps } = plan();
  const ids = new Set(steps.map((s) => s.id));
  for (const step of steps) {
    assert.equal(step.id, stepId(step.kind, step.settings), step.label);
    assert.deepEqual(new Set(idsIn(step.settings, ids)), new Set(step.deps), step.label);
  }
  const order = steps.map((s) => s.id);
  for (const step of steps) {
    for (const dep of step.deps) assert.ok(order.indexOf(dep) < order.indexOf(step.id));
  }
});

Deno.test("planner: the segmenter's loss and plugin options travel in its settings", () => {
  const { cells } = plan({
    segmenter: { plugin: "tiny-unet", options: { depth: 1 }, training: { loss: "dice" } },
  });
  for (const cell of cells) {
    assert.equal(cell.settings.training.loss, "dice");
    assert.equal(cell.settings.segmenter.plugin, "tiny-unet");
    assert.equal(cell.settings.segmenter.options.depth, 1);
    assert.equal(typeof cell.settings.segmenter.version, "string");
  }
});

Deno.test("planner: changing one setting changes exactly the steps that read it", () => {
  const byKind = (steps: readonly Step[]) =>
    Object.groupBy(steps, (s) => s.kind) as Partial<Record<Step["kind"], Step[]>>;
  const ids = (steps: readonly Step[] | undefined) => (steps ?? []).map((s) => s.id).sort();
  const before = byKind(plan().steps);
  const loss = byKind(
    plan({
      segmenter: { plugin: "tiny-unet", training: { loss: "crossentropy+dice" } },
    }).steps,
  );
  for (const kind of ["data", "split", "classifier", "source", "prior"] as const) {
    assert.deepEqual(ids(loss[kind]), ids(before[kind]), `${kind} kept by a loss change`);
  }
  const cells = new Set(ids(before.segmenter));
  assert.ok(ids(loss.segmenter).every((id) => !cells.has(id)), "every cell changed");
  const mode = byKind(
    plan({
      priors: {
        CAM: {},
        "CAM*": { postprocess: [{ plugin: "mode-filter", options: { size: 5 } }] },
        POP: { source: "population" },
      },
    }).steps,
  );
  assert.deepEqual(
    ids(mode.source),
    ids(before.source),
    "sources kept by a post-processing change",
  );
  assert.notDeepEqual(ids(mode.prior), ids(before.prior));
});

Deno.test("planner: a prior step knows its map size, the population source its sample", () => {
  const { steps, cells } = plan();
  const prior = steps.find((s) => s.kind === "prior");
  assert.ok(prior?.kind === "prior");
  assert.equal(prior.settings.size, 16);
  assert.deepEqual(prior.settings.chain.map((c) => c.plugin), ["mode-filter"]);
  const population = steps.filter((s) =>
    s.kind === "source" && s.settings.source.plugin === "population"
  );
  assert.deepEqual(population.map((s) => s.kind === "source" && s.settings.labels?.sample.size), [
    100,
    50,
  ]);
  const cell = cells.find((c) => c.recipe.name === "1Ch+CAM+POP")!;
  assert.deepEqual(priorChannels(cell).map((c) => c.name), ["CAM", "POP"]);
  assert.deepEqual(cell.settings.channels[0], "image");
});

Deno.test("planner: recipes with the same channels under other names share one cell", () => {
  const { cells } = plan({
    grid: {
      channels: ["1Ch+CAM*", { name: "with-prior", channels: ["image", "CAM*"] }],
      sampleSizes: [100],
    },
  });
  assert.equal(cells.length, 2);
  assert.equal(cells[0].id, cells[1].id);
  assert.deepEqual(cells.map((c) => c.recipe.name), ["1Ch+CAM*", "with-prior"]);
});

Deno.test("planner: a prior's own classifier is its own step; label-free sources carry no seed", () => {
  const { steps } = plan({
    seeds: [1, 2],
    priors: {
      CAM: {},
      PH: { source: "cam", classifier: { input: "ed-es", target: "phase" } },
      RND: { source: "random-cam", classifier: { input: "ed-es", target: "phase" } },
      M: { source: "motion" },
    },
    priorsFrom: { mode: "out-of-fold", folds: 2 },
    grid: { channels: ["1Ch+CAM+PH+RND+M"], sampleSizes: [100] },
  });
  const classifiers = steps.filter((s) => s.kind === "classifier");
  const tasks = new Set(
    classifiers.map((s) => s.kind === "classifier" && `${s.settings.input}/${s.settings.target}`),
  );
  assert.deepEqual(tasks, new Set(["slice/diagnosis", "ed-es/phase"]));
  assert.equal(classifiers.length, 2 * 2 * 3, "2 seeds × 2 classifiers × (full + 2 folds)");
  const sources = steps.filter((s) => s.kind === "source");
  const of = (plugin: string) =>
    sources.filter((s) => s.kind === "source" && s.settings.source.plugin === plugin);
  const [motion] = of("motion");
  assert.equal(of("motion").length, 1);
  assert.ok(motion.kind === "source" && motion.settings.seed === undefined);
  assert.deepEqual(motion.deps, [steps[0].id], "motion reads only the data");
  for (const rnd of of("random-cam")) {
    assert.ok(rnd.kind === "source" && rnd.settings.classifier?.input === "ed-es");
    assert.ok(rnd.deps.every((d) => !d.startsWith("classifier-")));
  }
  for (const ph of of("cam")) {
    assert.ok(ph.kind === "source" && ph.settings.classifier?.outOfFold?.classifiers.length === 2);
  }
});
