/**
 * A segmenter, a backend and an executor written as a plugin author would: one file each
 * (`tests/fixtures/plugins/`), importing only the plugin kit, loaded by path from an
 * experiment file and used by name, with no core file touched.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  dryRunExperiment,
  loadExperiment,
  memoryLogger,
  runExperiment,
  silentProgress,
} from "../mod.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const FIXTURES = new URL("./fixtures/plugins/", import.meta.url).pathname;

async function experimentFile(dir: string): Promise<string> {
  const training = { epochs: 1, batchSize: 8 };
  const path = join(dir, "third-party.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "third-party",
      plugins: ["segmenter_flat.ts", "backend_reference.ts", "executor_listing.ts"].map((f) =>
        join(FIXTURES, f)
      ),
      backend: { plugin: "reference", options: { label: "fixture" } },
      executor: { plugin: "listing", options: { file: "ran.txt" } },
      dataset: { plugin: "tiny", options: { patientsPerGroup: 3, size: 16 } },
      preprocess: { size: 16 },
      classifier: { plugin: "tiny-cnn", options: { filters: 2, blocks: 1 }, training },
      segmenter: { plugin: "flat", options: { filters: 3 }, training },
      grid: { channels: ["1Ch"], sampleSizes: [100] },
    }),
  );
  return path;
}

Deno.test("third-party plugins: a segmenter, a backend and an executor, one file each", async () => {
  const dir = await Deno.makeTempDir({ prefix: "camprior-third-party-" });
  const registry = builtinRegistry();
  const experiment = await loadExperiment(await experimentFile(dir), registry);
  assert.deepEqual(experiment.executor, { plugin: "listing", options: { file: "ran.txt" } });
  const options = {
    outDir: join(dir, "out"),
    signal: new AbortController().signal,
    log: memoryLogger(),
    progress: silentProgress,
  };
  const dry = await dryRunExperiment(experiment, registry, options);
  assert.match(dry, /segmenter-\w+ segmenter 1Ch @ 100% seed 1/);
  const summary = await runExperiment(experiment, registry, options);
  assert.equal(summary.backendDescription, "cpu (fixture)");
  assert.deepEqual(summary.results.map((r) => r.status), ["done"]);
  const ran = await Deno.readTextFile(join(dir, "out", "ran.txt"));
  // The run computes the data and split steps itself (then checks the split); the rest is
  // the executor's.
  const shared = summary.graph.steps.filter((s) => s.kind === "data" || s.kind === "split");
  assert.equal(ran.split("\n").length, summary.computed.length - shared.length);
  assert.ok(shared.every((s) => summary.computed.includes(s.id) && !ran.includes(s.id)));
  assert.equal(dry, ran, "the dry run listed what the run then ran");
  await Deno.remove(dir, { recursive: true });
});
