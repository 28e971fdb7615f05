import assert from "node:assert/strict";
import { join } from "node:path";
import { parseExperiment } from "../core/config/experiment.ts";
import { storeOf } from "../core/run/run_setup.ts";
import { runExperiment, type RunSummary } from "../core/run/runner.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { tinyExperiment } from "./helpers/cli_process.ts";

// Damage done to a finished output folder, then a new run: the damaged artifact is named
// by step and file, computed again, and nothing is computed from it.

async function run(out: string, overrides: Record<string, unknown> = {}) {
  const log = memoryLogger();
  const experiment = parseExperiment(tinyExperiment(overrides), builtinRegistry());
  const summary = await runExperiment(experiment, builtinRegistry(), {
    outDir: out,
    signal: new AbortController().signal,
    log,
    progress: silentProgress,
  });
  return { summary, warnings: log.lines.filter((l) => l.startsWith("warning:")) };
}

const stepOf = (summary: RunSummary, kind: string) =>
  summary.graph.steps.find((s) => s.kind === kind)!;

const iou = (summary: RunSummary) => summary.results.map((r) => r.meanIoUWithBackground);

async function flipBytes(path: string, offset: number, count: number) {
  const bytes = await Deno.readFile(path);
  for (let i = offset; i < offset + count; i++) bytes[i] ^= 0x5a;
  await Deno.writeFile(path, bytes);
}

Deno.test("truncated prior maps are recomputed before new cells use them", async () => {
  const out = await Deno.makeTempDir();
  const grid = (sampleSizes: number[]) => ({ grid: { channels: ["1Ch+CAM*"], sampleSizes } });
  const priors = { "CAM*": { postprocess: [{ plugin: "mode-filter", options: { size: 3 } }] } };
  const first = await run(out, { priors, ...grid([100]) });
  const prior = stepOf(first.summary, "prior");
  const maps = join(storeOf(out).dir(prior.id), "maps.f32");
  const bytes = (await Deno.stat(maps)).size;
  await Deno.truncate(maps, bytes / 2);
  const second = await run(out, { priors, ...grid([100, 50]) });
  assert.ok(second.summary.computed.includes(prior.id), "the prior is computed again");
  assert.equal((await Deno.stat(maps)).size, bytes);
  assert.ok(
    second.warnings.some((w) =>
      w.includes(
        `damaged artifact, computing it again: ${prior.label} (${prior.id}): maps.f32: `,
      ) &&
      w.includes(`${bytes / 2} bytes, expected ${bytes}`)
    ),
    second.warnings.join("\n"),
  );
  assert.equal(second.summary.failed.length, 0);
  await Deno.remove(out, { recursive: true });
});

Deno.test("flipped bytes in data and classifier weights: both recomputed, results unchanged", async () => {
  const out = await Deno.makeTempDir();
  const grid = { grid: { channels: ["1Ch+CAM"], sampleSizes: [100] } };
  const first = await run(out, grid);
  const store = storeOf(out);
  const data = stepOf(first.summary, "data"), classifier = stepOf(first.summary, "classifier");
  await flipBytes(join(store.dir(data.id), "images.f32"), 1024, 64);
  await flipBytes(join(store.dir(classifier.id), "weights.bin"), 64, 64);
  // The cell is computed again, from whatever the damaged folder holds.
  await Deno.remove(store.dir(first.summary.graph.cells[0].id), { recursive: true });
  const second = await run(out, grid);
  for (const [step, file] of [[data, "images.f32"], [classifier, "weights.bin"]] as const) {
    assert.ok(second.summary.computed.includes(step.id), `${step.label} recomputed`);
    assert.ok(
      second.warnings.some((w) => w.includes(`${step.label} (${step.id}): ${file}: checksum`)),
      second.warnings.join("\n"),
    );
  }
  assert.deepEqual(iou(second.summary), iou(first.summary), "same result as undamaged");
  await Deno.remove(out, { recursive: true });
});

/** A finished one-cell run, and the path of its cell's metrics.json. */
async function finishedCell() {
  const out = await Deno.makeTempDir();
  const first = await run(out);
  const cell = first.summary.graph.cells[0];
  return { out, first, cell, metrics: join(storeOf(out).dir(cell.id), "metrics.json") };
}

Deno.test("an edited value in a stored metrics.json is recomputed, never shown", async () => {
  const { out, first, cell, metrics } = await finishedCell();
  const edited = JSON.parse(await Deno.readTextFile(metrics));
  edited.meanIoUWithBackground = 0.999;
  await Deno.writeTextFile(metrics, JSON.stringify(edited, null, 2));
  const again = await run(out);
  assert.deepEqual(iou(again.summary), iou(first.summary));
  assert.ok(again.warnings.some((w) => w.includes(`(${cell.id}): metrics.json: `)));
  await Deno.remove(out, { recursive: true });
});

Deno.test("4 bytes flipped in metrics.json: named and recomputed, no SyntaxError", async () => {
  const { out, first, cell, metrics } = await finishedCell();
  await flipBytes(metrics, 0, 4);
  const again = await run(out);
  assert.deepEqual(iou(again.summary), iou(first.summary));
  assert.ok(again.warnings.some((w) => w.includes(`(${cell.id}): metrics.json: checksum`)));
  await Deno.remove(out, { recursive: true });
});
