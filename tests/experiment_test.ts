import assert from "node:assert/strict";
import { ConfigError } from "../core/util/errors.ts";
import { loadExperiment, parseExperiment } from "../core/config/experiment.ts";
import { experimentJsonSchema } from "../core/config/json_schema.ts";
import { Registry } from "../core/plugin/registry.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { tinyDatasetPlugin } from "../plugins/dataset/tiny.ts";
import { modeFilterPlugin } from "../plugins/postprocess/mode_filter.ts";
import { tinyUnetPlugin } from "../plugins/segmenter/tiny_unet.ts";
import { gradcamPlugin } from "../plugins/xai/gradcam.ts";
import { priorPlugins } from "../plugins/prior/mod.ts";
import type { AnyPlugin } from "../core/plugin/plugin.ts";
import { localExecutorPlugin } from "../plugins/executor/local.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { planSteps } from "../core/plan/planner.ts";

function registry(): Registry {
  return new Registry(
    [
      tinyDatasetPlugin,
      tinyCnnPlugin,
      gradcamPlugin,
      modeFilterPlugin,
      tinyUnetPlugin,
      localExecutorPlugin,
      cpuBackendPlugin,
      ...priorPlugins,
    ] as AnyPlugin[],
  );
}

/** The local executor with its default options. */
const LOCAL_DEFAULTS = { plugin: "local", options: { jobs: "auto", memoryPerJob: 2048 } };

function validFile(): Record<string, unknown> {
  return {
    name: "t",
    dataset: "tiny",
    classifier: { plugin: "tiny-cnn" },
    priors: {
      CAM: {},
      "CAM*": { postprocess: [{ plugin: "mode-filter", options: { size: 12 } }] },
    },
    segmenter: { plugin: "tiny-unet", training: { loss: "dice" } },
    grid: { channels: ["1Ch", "3Ch+CAM*", { channels: ["image", "CAM"] }], sampleSizes: [100, 15] },
  };
}

/** `validFile()` with one change applied; the change edits loosely typed JSON. */
// deno-lint-ignore no-explicit-any
function variant(change: (file: Record<string, any>) => void) {
  const file = validFile();
  change(file);
  return file;
}

function messageOf(raw: unknown): string {
  try {
    parseExperiment(raw, registry());
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail("expected the experiment to be rejected");
}

Deno.test("a valid file resolves plugins, defaults and recipes", () => {
  const experiment = parseExperiment(validFile(), registry());
  assert.deepEqual(experiment.backend, { plugin: "auto", options: {} });
  assert.deepEqual(experiment.executor, LOCAL_DEFAULTS);
  assert.deepEqual(experiment.seeds, [1]);
  assert.deepEqual(experiment.dataset, {
    plugin: "tiny",
    options: { patientsPerGroup: 4, size: 32 },
  });
  assert.deepEqual(experiment.classifier.options, { filters: 8, blocks: 2 });
  assert.equal(experiment.classifier.training.patience, 10);
  assert.equal(experiment.segmenter.training.loss, "dice");
  assert.deepEqual(experiment.priors["CAM*"].postprocess, [{
    plugin: "mode-filter",
    options: { size: 12 },
  }]);
  assert.deepEqual(experiment.priors.CAM.xai, { plugin: "gradcam", options: {} });
  assert.deepEqual(experiment.grid.recipes.map((r) => r.name), ["1Ch", "3Ch+CAM*", "1Ch+CAM"]);
});

Deno.test("out-of-range sample size names the path, the range and the value", () => {
  const message = messageOf(variant((f) => f.grid.sampleSizes = [100, 50, 140]));
  assert.equal(message, "grid.sampleSizes[2]: expected a number between 1 and 100, got 140");
});

Deno.test("unknown plugin is reported with its path and the registered names", () => {
  const message = messageOf(variant((f) => f.classifier.plugin = "vgg99"));
  assert.equal(
    message,
    'classifier.plugin: unknown classifier plugin "vgg99" (registered: tiny-cnn)',
  );
});

Deno.test("plugin options are validated by the plugin's own schema", () => {
  const message = messageOf(variant((f) => f.classifier.options = { filters: "many" }));
  assert.equal(message, 'classifier.options.filters: expected number, got "many"');
  const unknown = messageOf(variant((f) => f.segmenter.options = { dept: 3 }));
  assert.match(unknown, /^segmenter\.options: unknown field "dept"/);
});

Deno.test("misspelled top-level field is rejected", () => {
  assert.match(messageOf(variant((f) => f.seed = [1])), /^\(top level\): unknown field "seed"/);
});

Deno.test("recipe using an undefined prior lists the defined priors", () => {
  const message = messageOf(variant((f) => f.grid.channels = ["1Ch+CAM**"]));
  assert.equal(
    message,
    'grid.channels[0]: unknown prior "CAM**" in "1Ch+CAM**" (priors: CAM, CAM*; define it under "priors")',
  );
});

Deno.test("malformed shorthand, missing section, wrong type, duplicates are all reported", () => {
  assert.match(
    messageOf(variant((f) => f.grid.channels = ["3Chx"])),
    /^grid\.channels\[0\]: "3Chx" is not a channel recipe/,
  );
  assert.equal(
    messageOf(variant((f) => delete f.segmenter)),
    "segmenter: required object is missing",
  );
  assert.equal(messageOf(variant((f) => f.seeds = "1")), 'seeds: expected array, got "1"');
  assert.equal(
    messageOf(variant((f) => f.grid.sampleSizes = [50, 50])),
    "grid.sampleSizes[1]: duplicate 50",
  );
  assert.match(
    messageOf(variant((f) => f.segmenter.training = { loss: "hinge" })),
    /^segmenter\.training\.loss: expected one of "iou"/,
  );
});

Deno.test("several problems are reported together", () => {
  const message = messageOf(variant((f) => {
    f.classifier.plugin = "nope";
    f.segmenter.plugin = "nada";
  }));
  assert.equal(message.split("\n").length, 2);
});

Deno.test("loadExperiment prefixes the file, reads bad JSON clearly, loads external plugins", async () => {
  const dir = await Deno.makeTempDir();
  const bad = `${dir}/bad.json`;
  await Deno.writeTextFile(bad, '{ "name": "x", }');
  await assert.rejects(loadExperiment(bad, registry()), {
    name: "ConfigError",
    message: new RegExp(`^${bad}: not valid JSON`),
  });
  await assert.rejects(loadExperiment(`${dir}/absent.json`, registry()), {
    message: /cannot read experiment file .*absent\.json/,
  });
  const external = new URL("./fixtures/external_cam.ts", import.meta.url).pathname;
  const withPlugin = variant((f) => {
    f.plugins = [external];
    f.priors = { MEAN: { xai: { plugin: "mean-activation", options: { scale: 2 } } } };
    f.grid.channels = ["1Ch+MEAN"];
  });
  const good = `${dir}/good.json`;
  await Deno.writeTextFile(good, JSON.stringify(withPlugin));
  const experiment = await loadExperiment(good, registry());
  assert.deepEqual(experiment.priors.MEAN.xai, {
    plugin: "mean-activation",
    options: { scale: 2 },
  });
  await assert.rejects(loadExperiment(good, registry(), { backend: "gpu9", data: "/d" }), {
    message: `${good}: backend.plugin: unknown backend plugin "gpu9" (registered: cpu)
` +
      'dataset.options: unknown field "root" (known: patientsPerGroup, size)',
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("backend and executor take a name or { plugin, options }, checked like any plugin", () => {
  const parse = (change: Record<string, unknown>) =>
    parseExperiment({ ...validFile(), ...change }, registry());
  assert.deepEqual(parse({ backend: "cpu" }).backend, { plugin: "cpu", options: {} });
  assert.deepEqual(parse({ backend: { plugin: "cpu" } }).backend, { plugin: "cpu", options: {} });
  assert.match(
    messageOf({ ...validFile(), backend: { plugin: "cpu", options: { threads: 2 } } }),
    /^backend\.options: unknown field "threads"/,
  );
  assert.match(
    messageOf({ ...validFile(), backend: { plugin: "auto", options: { x: 1 } } }),
    /"auto" takes no options/,
  );
  assert.deepEqual(parse({ executor: "local" }).executor, LOCAL_DEFAULTS);
  assert.deepEqual(parse({ executor: { type: "local" } }).executor, LOCAL_DEFAULTS);
  assert.match(
    messageOf({ ...validFile(), executor: "pbs" }),
    /^executor\.plugin: unknown executor plugin "pbs" \(registered: local\)/,
  );
});

Deno.test("shipped experiment files are valid", async () => {
  const dir = new URL("../experiments/", import.meta.url).pathname;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".json")) continue;
    const reg = registry();
    const raw = JSON.parse(await Deno.readTextFile(dir + entry.name));
    if (reg.has("dataset", raw.dataset?.plugin ?? raw.dataset)) {
      await loadExperiment(dir + entry.name, reg);
    }
  }
});

Deno.test("JSON Schema offers each registered plugin with its options", () => {
  const schema = JSON.stringify(experimentJsonSchema(registry()));
  for (const name of ["tiny", "tiny-cnn", "gradcam", "mode-filter", "tiny-unet"]) {
    assert.ok(schema.includes(`"const":"${name}"`), name);
  }
  assert.ok(schema.includes('"patientsPerGroup"'));
  assert.ok(schema.includes('"sampleSizes"'));
});

Deno.test("priors: source plugins, a prior's own classifier, and the old forms", () => {
  const experiment = parseExperiment(
    variant((f) => {
      f.classifier = { plugin: "tiny-cnn", options: { filters: 8 } };
      f.priors = {
        OLD: { source: "classifier" },
        OWN: {
          source: "cam",
          options: { layer: [2, -1], target: "all-classes" },
          classifier: { input: "ed-es", target: "phase", training: { epochs: 3 } },
        },
        POP: { source: "population", threshold: 0.5 },
        M: { source: "motion", options: { radius: 2 } },
      };
      f.grid.channels = ["1Ch+OLD+OWN+POP+M"];
    }),
    registry(),
  );
  const { OLD, OWN, POP, M } = experiment.priors;
  assert.equal(OLD.source.plugin, "cam");
  assert.deepEqual(OLD.classifier, experiment.classifier);
  assert.equal(experiment.classifier.input, "slice");
  assert.equal(experiment.classifier.target, "diagnosis");
  assert.deepEqual(OWN.source.options, { layer: [2, -1], target: "all-classes", batchSize: 16 });
  assert.equal(OWN.classifier!.plugin, "tiny-cnn");
  assert.deepEqual(OWN.classifier!.options, { filters: 8, blocks: 2 }, "options inherited");
  assert.equal(OWN.classifier!.input, "ed-es");
  assert.equal(OWN.classifier!.target, "phase");
  assert.equal(OWN.classifier!.training.epochs, 3);
  assert.deepEqual(OWN.xai, { plugin: "gradcam", options: {} });
  assert.deepEqual(POP.source, { plugin: "population", options: { threshold: 0.5 } });
  assert.equal(POP.classifier, undefined);
  assert.deepEqual(POP.needs, { labels: true });
  assert.deepEqual(M.source, { plugin: "motion", options: { radius: 2, mode: "slice" } });
});

Deno.test("priors: misplaced fields and unknown sources are named", () => {
  const message = messageOf(variant((f) => {
    f.priors = {
      M: { source: "motion", xai: "gradcam" },
      T: { source: "constant", threshold: 0.3 },
      X: { source: "telepathy" },
      L: { source: "cam", options: { layer: 0 } },
    };
    f.grid.channels = ["1Ch+M+T+X+L"];
  }));
  assert.match(message, /priors\["M"\]\.xai: the "motion" source uses no classifier/);
  assert.match(message, /priors\["T"\]\.threshold: only the population source takes a threshold/);
  assert.match(
    message,
    /priors\["X"\]\.source\.plugin: unknown prior plugin "telepathy" \(registered: cam, constant, motion, population, random-cam\)/,
  );
  assert.match(message, /priors\["L"\]\.source\.options\.layer/);
});

Deno.test("--jobs sets the local executor's jobs and changes no step id", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/e.json`;
  await Deno.writeTextFile(file, JSON.stringify(validFile()));
  const plain = await loadExperiment(file, registry());
  const pooled = await loadExperiment(file, registry(), { jobs: 4 });
  assert.deepEqual(pooled.executor, { plugin: "local", options: { jobs: 4, memoryPerJob: 2048 } });
  assert.equal((plain.executor.options as { jobs: unknown }).jobs, "auto");
  const ids = (e: typeof plain) => planSteps(e, registry(), "cpu").steps.map((s) => s.id);
  assert.deepEqual(ids(pooled), ids(plain));
  await assert.rejects(loadExperiment(file, registry(), { jobs: 0 }), /executor.options.jobs/);
  await Deno.remove(dir, { recursive: true });
});
