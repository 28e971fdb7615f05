/**
 * Semi-supervised strategies through the whole pipeline on the tiny synthetic cohort: the
 * grid's strategy axis, the unlabelled pool of each cell (training patients without labels,
 * never validation or test; prior channels included), a third-party strategy loaded by
 * path, and the report and CSV naming the strategies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadExperiment, memoryLogger, runExperiment, silentProgress } from "../mod.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { seenUnlabelledRows } from "./fixtures/plugins/strategy_entropy.ts";

const FIXTURE = new URL("./fixtures/plugins/strategy_entropy.ts", import.meta.url).pathname;
const training = { epochs: 2, batchSize: 4, learningRate: 0.01 };

Deno.test("strategy training: fixmatch and a third-party strategy learn from the pool of training patients only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "camprior-strategies-" });
  const path = join(dir, "ssl.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "ssl",
      backend: "cpu",
      plugins: [FIXTURE],
      dataset: { plugin: "tiny", options: { patientsPerGroup: 3, size: 16 } },
      preprocess: { size: 16 },
      classifier: { plugin: "tiny-cnn", training },
      priors: { POP: { source: "population" } },
      segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
      grid: {
        channels: ["1Ch", "1Ch+POP"],
        sampleSizes: [40],
        strategies: [
          "supervised",
          { plugin: "fixmatch", options: { threshold: 0.3 } },
          "entropy-min",
        ],
      },
    }),
  );
  const registry = builtinRegistry();
  const experiment = await loadExperiment(path, registry);
  const outDir = join(dir, "out");
  const summary = await runExperiment(experiment, registry, {
    outDir,
    signal: new AbortController().signal,
    log: memoryLogger(),
    progress: silentProgress,
  });
  assert.deepEqual(summary.results.map((r) => r.status), Array(6).fill("done"));
  assert.ok(seenUnlabelledRows.length > 0 && seenUnlabelledRows.every((n) => n === 4));

  const splitStep = summary.graph.steps.find((s) => s.kind === "split")!;
  const split: { train: string[] } = JSON.parse(
    await Deno.readTextFile(join(outDir, "artifacts", splitStep.id, "split.json")),
  );
  for (const result of summary.results) {
    if (result.strategy === "supervised") {
      assert.equal(result.unlabelledPatients, undefined);
      continue;
    }
    // Pool + labelled = the training patients: no validation or test patient in the pool.
    assert.ok(result.unlabelledPatients! > 0, `${result.recipe}: empty pool`);
    assert.equal(result.unlabelledPatients! + result.trainPatients!, split.train.length);
  }
  const dice = (name: string) => summary.results.find((r) => r.recipe === name)!.iouPerClass;
  assert.notDeepEqual(dice("1Ch fixmatch"), dice("1Ch supervised"), "the pool changed nothing");
  assert.notDeepEqual(dice("1Ch+POP entropy-min"), dice("1Ch+POP supervised"));

  const csv = await Deno.readTextFile(join(summary.reportDir!, "results.csv"));
  assert.match(csv.split("\n")[0], /^recipe,strategy,channels,/);
  assert.match(csv, /\n1Ch\+POP fixmatch,fixmatch,/);
  const html = await Deno.readTextFile(join(summary.reportDir!, "index.html"));
  assert.match(html, /Validation and test patients never enter the pool/);
  assert.match(html, /<th>1Ch fixmatch<\/th>/);
  await Deno.remove(dir, { recursive: true });
});
