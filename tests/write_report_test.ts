import assert from "node:assert/strict";
import { decode } from "fast-png";
import { join } from "node:path";
import { parseExperiment } from "../core/config/experiment.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { runExperiment } from "../core/run/runner.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { findChromium, visitPage } from "./helpers/headless_chromium.ts";

const training = { epochs: 1, batchSize: 8, learningRate: 0.01 };

async function reportOfSmallGrid(): Promise<string> {
  const registry = builtinRegistry();
  const experiment = parseExperiment({
    name: "report-test",
    description: "report <test> & figures",
    backend: "cpu",
    seeds: [1, 2],
    dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
    priors: { CAM: {}, POP: { source: "population" } },
    segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch", "1Ch+CAM", "1Ch+POP"], sampleSizes: [100, 50] },
  }, registry);
  const out = await Deno.makeTempDir();
  const summary = await runExperiment(experiment, registry, {
    outDir: out,
    signal: new AbortController().signal,
    log: memoryLogger(),
    progress: silentProgress,
  });
  assert.equal(summary.failed.length, 0);
  return summary.reportDir;
}

const reportDir = reportOfSmallGrid();

Deno.test("report: results, Table 1, comparisons, figures and prior quality are written", async () => {
  const dir = await reportDir;
  const results = JSON.parse(await Deno.readTextFile(join(dir, "results.json")));
  assert.equal(results.length, 12);
  const csv = (await Deno.readTextFile(join(dir, "results.csv"))).trim().split("\n");
  assert.equal(csv.length, 13);
  assert.match(csv[0], /^recipe,channels,sampleSize,seed,backend,status,meanIoUWithBackground,/);
  const table = await Deno.readTextFile(join(dir, "table1.md"));
  assert.match(table, /including background/);
  assert.match(table, /\| 100% \| .* ± .*\|/);
  assert.match(table, /\| Average \|/);
  assert.equal((table.match(/\*\*/g) ?? []).length, 2 * 3, "one best value per row");
  const comparisons = JSON.parse(await Deno.readTextFile(join(dir, "comparisons.json")));
  assert.deepEqual(
    comparisons.map((c: { proposed: string; baseline: string; sampleSize: number }) =>
      `${c.proposed}/${c.baseline}/${c.sampleSize}`
    ),
    ["1Ch+CAM/1Ch/100", "1Ch+CAM/1Ch/50", "1Ch+POP/1Ch/100", "1Ch+POP/1Ch/50"],
  );
  assert.ok(comparisons.every((c: { wilcoxon: { pValue: number } }) => c.wilcoxon.pValue <= 1));
  const svg = await Deno.readTextFile(join(dir, "figure2.svg"));
  assert.match(svg, /^<svg/);
  assert.match(svg, /Relative difference/);
  const png = decode(await Deno.readFile(join(dir, "figure3.png")));
  assert.equal(png.width, 5 * (128 + 4) - 4, "five 128-pixel columns");
  const quality = JSON.parse(await Deno.readTextFile(join(dir, "prior_quality.json")));
  assert.ok(
    quality.some((q: { prior: string; randomisationSpearman?: number }) =>
      q.prior === "CAM" && typeof q.randomisationSpearman === "number"
    ),
  );
  assert.ok(
    quality.some((q: { prior: string; sampleSize?: number }) =>
      q.prior === "POP" && q.sampleSize === 50
    ),
  );
  for (const q of quality as { prior: string; source: string; massInHeart: number }[]) {
    assert.equal(q.source, q.prior === "CAM" ? "cam" : "population");
    assert.ok(q.massInHeart >= 0 && q.massInHeart <= 1, `${q.prior}: mass on heart`);
  }
  const html = await Deno.readTextFile(join(dir, "index.html"));
  assert.ok(html.includes("report &#60;test&#62; &#38; figures"), "text is escaped");
});

Deno.test("report: index.html renders in headless Chromium without console errors", async () => {
  const dir = await reportDir;
  const chromium = await findChromium();
  if (!chromium) {
    console.log(
      "NOT RUN: Chromium is not installed (apt-get install chromium); report files were checked above",
    );
    return;
  }
  const visit = await visitPage(chromium, `file://${join(dir, "index.html")}`);
  assert.deepEqual(visit.errors, []);
  assert.equal(visit.title, "report-test — camprior report");
  await Deno.writeFile(join(dir, "screenshot.png"), visit.screenshot);
  const shot = decode(visit.screenshot);
  assert.ok(shot.width >= 1000 && shot.height > 800, `screenshot ${shot.width}×${shot.height}`);
  console.log(`screenshot: ${join(dir, "screenshot.png")}`);
});
