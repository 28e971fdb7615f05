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
  assert.ok(summary.report && summary.reportDir, "a report is written when cells finished");
  assert.equal(summary.report.index, join(summary.reportDir, "index.html"));
  return summary.reportDir;
}

const reportDir = reportOfSmallGrid();

const readJson = async (dir: string, name: string) =>
  JSON.parse(await Deno.readTextFile(join(dir, name)));

/** Table 2b marks exactly the cells whose seeds have HD95-undefined pairs, with k of n. */
function assertUndefinedPairsNoted(
  tables: string,
  results: {
    recipe: string;
    sampleSize: number;
    volume: { volumes: number; undefinedDistances: number };
  }[],
): void {
  const [table2a, table2b] = tables.split("Table 2b:");
  assert.doesNotMatch(table2a, /†/, "Table 1 and 2a are never marked");
  const counts = new Map<string, [number, number]>();
  for (const r of results) {
    const key = `${r.sampleSize}% \\(\\d+ pts\\), ${r.recipe.replaceAll("+", "\\+")}`;
    const [k, n] = counts.get(key) ?? [0, 0];
    counts.set(key, [k + r.volume.undefinedDistances, n + 3 * r.volume.volumes]);
  }
  const marked = [...counts].filter(([, [k]]) => k > 0);
  assert.equal(/† HD95 undefined/.test(table2b), marked.length > 0, "a note only with marks");
  for (const [key, [k, n]] of marked) assert.match(table2b, new RegExp(`${key}: ${k} of ${n}[;.]`));
}

Deno.test("report: results and volumes CSVs, both tables, comparisons, flags", async () => {
  const dir = await reportDir;
  const results = await readJson(dir, "results.json");
  assert.equal(results.length, 12);
  const csv = (await Deno.readTextFile(join(dir, "results.csv"))).trim().split("\n");
  assert.equal(csv.length, 13);
  assert.match(csv[0], /^recipe,strategy,channels,sampleSize,sizeLabel,trainPatients,valPatients,/);
  assert.match(csv[0], /,meanIoUWithBackground,fgDice,dice_RV,dice_MYO,dice_LV,hd95,/);
  assert.match(csv[1], /,100% \(15 pts\),15,/, "15 of the 25 tiny patients train");
  const volumes = (await Deno.readTextFile(join(dir, "volumes.csv"))).trim().split("\n");
  assert.match(volumes[0], /^recipe,sampleSize,trainPatients,seed,patient,phase,structure,dice,/);
  // 12 cells × 5 test patients × 2 phases × 3 structures
  assert.equal(volumes.length - 1, 12 * 5 * 2 * 3);
  assert.ok(volumes.slice(1).every((line) => /,px,/.test(line)), "tiny data has no spacing");
  const tables = await Deno.readTextFile(join(dir, "tables.md"));
  assert.match(tables, /Table 1: Mean IoU over the 4 classes including background/);
  assert.match(tables, /Table 2a: Mean Dice over RV, MYO and LV per 3-D volume/);
  assert.match(tables, /Table 2b: 95th-percentile Hausdorff distance in px/);
  assert.match(tables, /\| 100% \(15 pts\) \| .* ± .*\|/);
  assertUndefinedPairsNoted(tables, results);
  const comparisons = await readJson(dir, "comparisons.json");
  assert.deepEqual(
    comparisons.map((c: { proposed: string; baseline: string; sampleSize: number }) =>
      `${c.proposed}/${c.baseline}/${c.sampleSize}`
    ),
    ["1Ch+CAM/1Ch/100", "1Ch+CAM/1Ch/50", "1Ch+POP/1Ch/100", "1Ch+POP/1Ch/50"],
  );
  // Random splits: each seed tests 5 patients; a patient tested in both is averaged, not doubled.
  const tested = new Set(
    results.flatMap((r: { perPatient: { patientId: string }[] }) =>
      r.perPatient.map((p) => p.patientId)
    ),
  );
  for (const c of comparisons) {
    assert.equal(c.patients, tested.size, "distinct test patients over both seeds");
    assert.deepEqual(c.seeds, [1, 2]);
    assert.ok(c.pHolm >= c.wilcoxon.pValue);
  }
  const flags: { kind: string; subject: string; message: string }[] = await readJson(
    dir,
    "flags.json",
  );
  const ties = comparisons.filter((c: { verdict: string }) => !/better|worse/.test(c.verdict));
  assert.ok(flags.filter((f) => f.kind === "tie").length >= ties.length, "every tie is flagged");
  assert.ok(flags.every((f) => f.subject.length > 0 && f.message.length > 0));
  const svg = await Deno.readTextFile(join(dir, "figure2.svg"));
  assert.match(svg, /^<svg/);
  assert.match(svg, /prior added to the same image channels/);
  assert.match(await Deno.readTextFile(join(dir, "learning_curve.svg")), /labelled patients/);
  assert.match(await Deno.readTextFile(join(dir, "training_curves.svg")), /^<svg/);
  const png = decode(await Deno.readFile(join(dir, "figure3.png")));
  assert.equal(png.width, 5 * (128 + 4) - 4, "five 128-pixel columns");
  const quality = await readJson(dir, "prior_quality.json");
  assert.ok(
    quality.some((q: { prior: string; randomisationSpearman?: number; recipes: string[] }) =>
      q.prior === "CAM" && typeof q.randomisationSpearman === "number" &&
      q.recipes.includes("1Ch+CAM")
    ),
  );
  for (const q of quality as { prior: string; source: string; massInHeart: number }[]) {
    assert.equal(q.source, q.prior === "CAM" ? "cam" : "population");
    assert.ok(q.massInHeart >= 0 && q.massInHeart <= 1, `${q.prior}: mass on heart`);
  }
  assert.ok(quality.every((q: { populationIou: number }) => Number.isFinite(q.populationIou)));
  const html = await Deno.readTextFile(join(dir, "index.html"));
  assert.ok(html.includes("report &#60;test&#62; &#38; figures"), "text is escaped");
  assert.ok(html.indexOf('id="flags"') < html.indexOf("<h2>Table 1</h2>"), "flags first");
  for (const part of ["Table 2a", "learning_curve.svg", "volumes.csv", 'id="classifier"']) {
    assert.ok(html.includes(part), part);
  }
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
  assert.deepEqual(visit.errors, [], "no console errors, no failed loads");
  assert.equal(visit.title, "report-test — camprior report");
  await Deno.writeFile(join(dir, "screenshot.png"), visit.screenshot);
  const shot = decode(visit.screenshot);
  assert.ok(shot.width >= 1000 && shot.height > 800, `screenshot ${shot.width}×${shot.height}`);
  console.log(`screenshot: ${join(dir, "screenshot.png")}`);
});
