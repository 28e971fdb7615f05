import assert from "node:assert/strict";
import { parseExperiment } from "../core/config/experiment.ts";
import { withoutMergedSizes } from "../core/run/distinct_sizes.ts";
import { runExperiment } from "../core/run/runner.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { builtinRegistry } from "../plugins/mod.ts";

function experiment(sampleSizes: number[]) {
  const training = { epochs: 1, batchSize: 8, learningRate: 0.01 };
  return parseExperiment({
    name: "distinct-sizes",
    backend: "cpu",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
    segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch"], sampleSizes },
  }, builtinRegistry());
}

Deno.test("distinct sizes: a size with a larger size's patients is trained once, warned once", async () => {
  // 25 patients, 5 test and 5 validation: 15 training patients; 97% of 15 rounds to 15.
  const log = memoryLogger();
  const summary = await runExperiment(experiment([100, 97, 50]), builtinRegistry(), {
    outDir: await Deno.makeTempDir(),
    signal: new AbortController().signal,
    log,
    progress: silentProgress,
  });
  assert.deepEqual(summary.results.map((r) => `${r.sampleSize}:${r.trainPatients}`), [
    "100:15",
    "50:8",
  ]);
  const warnings = log.lines.filter((l) => l.startsWith("warning:"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /97% gives the same 15 training and 5 validation patients as 100%/);
  assert.ok(summary.computed.some((id) => id.startsWith("data-")), "data step counted as computed");
  const html = await Deno.readTextFile(summary.report!.index);
  assert.match(html, /97% gives the same 15 training/);
  assert.match(html, /100% \(15 pts\)/);
});

Deno.test("distinct sizes: nothing merged, nothing changed", () => {
  const e = experiment([100, 50]);
  const same = withoutMergedSizes(e, []);
  assert.equal(same.experiment, e);
  assert.equal(same.warning, undefined);
});
