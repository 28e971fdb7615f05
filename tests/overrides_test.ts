import assert from "node:assert/strict";
import { applyOverrides, overridePath, parseOverride } from "../core/config/overrides.ts";
import { loadExperiment } from "../core/config/experiment.ts";
import { planSteps } from "../core/plan/planner.ts";
import { ConfigError } from "../core/util/errors.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const FILE = new URL("./fixtures/cli_tiny.json", import.meta.url).pathname;

Deno.test("parseOverride reads paths with indices and quoted keys, values as JSON or text", () => {
  assert.deepEqual(parseOverride("segmenter.training.epochs=5"), {
    text: "segmenter.training.epochs=5",
    path: ["segmenter", "training", "epochs"],
    value: 5,
  });
  assert.deepEqual(parseOverride("grid.sampleSizes=[25]").value, [25]);
  assert.deepEqual(parseOverride("backend=wasm").value, "wasm");
  assert.deepEqual(parseOverride('priors["CAM*"].postprocess[0].options.size=8').path, [
    "priors",
    "CAM*",
    "postprocess",
    0,
    "options",
    "size",
  ]);
  assert.equal(parseOverride("description=a=b").value, "a=b");
  assert.equal(overridePath(["priors", "CAM*", "postprocess", 0]), 'priors["CAM*"].postprocess[0]');
});

Deno.test("parseOverride rejects malformed overrides naming them", () => {
  assert.throws(() => parseOverride("epochs"), /--set epochs: expected path=value/);
  assert.throws(() => parseOverride("=5"), ConfigError);
  assert.throws(() => parseOverride("a..b=1"), /cannot read the path at/);
});

Deno.test("applyOverrides changes a copy, creates missing objects and expands plugin names", () => {
  const raw = { xai: "gradcam", grid: { sampleSizes: [100, 50] } };
  const changed = applyOverrides(raw, [
    parseOverride("grid.sampleSizes[1]=25"),
    parseOverride("classifier.training.epochs=3"),
    parseOverride("xai.options.target=1"),
  ]);
  assert.deepEqual(changed, {
    xai: { plugin: "gradcam", options: { target: 1 } },
    grid: { sampleSizes: [100, 25] },
    classifier: { training: { epochs: 3 } },
  });
  assert.deepEqual(raw.grid.sampleSizes, [100, 50]);
  assert.throws(
    () => applyOverrides({ name: "x" }, [parseOverride("name.first=1")]),
    /name is "x", not an object or list/,
  );
  assert.throws(
    () => applyOverrides({ seeds: [1] }, [parseOverride("seeds.first=1")]),
    /seeds expects a list index/,
  );
});

Deno.test("--set overrides are validated by the experiment schema and name the override", async () => {
  await assert.rejects(
    () => loadExperiment(FILE, builtinRegistry(), { set: ["grid.sampleSizes=[140]"] }),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /--set grid\.sampleSizes=\[140\]/);
      assert.match(error.message, /grid\.sampleSizes\[0\]: expected a number between 1 and 100/);
      return true;
    },
  );
  await assert.rejects(
    () => loadExperiment(FILE, builtinRegistry(), { set: ["segmenter.trainig.epochs=2"] }),
    /segmenter: unknown field "trainig"/,
  );
});

Deno.test("--set overrides change exactly the step ids that depend on the setting", async () => {
  const plain = await loadExperiment(FILE, builtinRegistry());
  const changed = await loadExperiment(FILE, builtinRegistry(), {
    set: ["segmenter.training.epochs=5", "grid.sampleSizes=[50]"],
  });
  assert.equal(changed.segmenter.training.epochs, 5);
  assert.deepEqual(changed.grid.sampleSizes, [50]);
  const before = planSteps(plain, builtinRegistry(), "cpu");
  const after = planSteps(changed, builtinRegistry(), "cpu");
  const ids = (graph: typeof before, kind: string) =>
    graph.steps.filter((s) => s.kind === kind).map((s) => s.id);
  assert.deepEqual(ids(after, "classifier"), ids(before, "classifier"));
  assert.deepEqual(ids(after, "data"), ids(before, "data"));
  assert.equal(after.cells.length, 2);
  for (const id of ids(after, "segmenter")) assert.ok(!ids(before, "segmenter").includes(id));
});
