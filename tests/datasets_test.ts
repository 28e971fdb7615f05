import assert from "node:assert/strict";
import { loadExperiment } from "../core/config/experiment.ts";
import { Registry } from "../core/plugin/registry.ts";
import { builtinPlugins } from "../plugins/mod.ts";
import { datasetPlugins } from "../plugins/dataset/mod.ts";

Deno.test("datasets: acdc, acdc-h5, synthetic and tiny register, with defaults where sensible", () => {
  const registry = new Registry(datasetPlugins);
  assert.deepEqual(registry.list("dataset").map((p) => p.name), [
    "acdc",
    "acdc-h5",
    "synthetic",
    "tiny",
  ]);
  assert.deepEqual(registry.parseOptions("dataset", "synthetic", {}, "dataset.options"), {
    patientsPerGroup: 8,
    imageSize: 96,
    slices: 6,
  });
  const h5 = registry.parseOptions("dataset", "acdc-h5", { root: "/d" }, "dataset.options");
  assert.deepEqual(h5, {
    root: "/d",
    lists: { train: "train.list", val: "val.list", test: "test.list" },
  });
});

Deno.test("datasets: experiments/acdc.json takes its folder from --data", async () => {
  const registry = new Registry(builtinPlugins);
  const path = new URL("../experiments/acdc.json", import.meta.url).pathname;
  assert.equal(
    (await loadExperiment(path, registry)).dataset.options.root,
    "",
    "loads without --data",
  );
  const experiment = await loadExperiment(path, registry, { data: "/data/acdc" });
  assert.equal(experiment.dataset.plugin, "acdc-h5");
  assert.equal(experiment.dataset.options.root, "/data/acdc");
  assert.equal(experiment.split.mode, "predefined");
  assert.equal(experiment.preprocess.crop, "heart");
  assert.equal(experiment.grid.sampleSizes.length, 18, "100% down to 15% in 5% steps");
});
