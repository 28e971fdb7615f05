import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { parseExperiment } from "../core/config/experiment.ts";
import { memoryLogger } from "../core/util/logger.ts";
import type { Progress } from "../core/util/progress.ts";
import { silentProgress } from "../core/util/progress.ts";
import { runExperiment, storeOf } from "../core/run/runner.ts";
import { readFloat32 } from "../core/run/artifact_store.ts";
import { join } from "node:path";
import { builtinRegistry } from "../plugins/mod.ts";

function smallExperiment(overrides: Record<string, unknown> = {}) {
  const training = { epochs: 2, batchSize: 8, learningRate: 0.01 };
  return parseExperiment({
    name: "runner-test",
    backend: "cpu",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
    priors: { CAM: {}, "CAM*": { postprocess: [{ plugin: "mode-filter", options: { size: 3 } }] } },
    segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch", "1Ch+CAM*"], sampleSizes: [100, 50] },
    ...overrides,
  }, builtinRegistry());
}

async function run(
  outDir: string,
  experiment = smallExperiment(),
  extra: { signal?: AbortSignal; progress?: Progress } = {},
) {
  return await runExperiment(experiment, builtinRegistry(), {
    outDir,
    signal: extra.signal ?? new AbortController().signal,
    log: memoryLogger(),
    progress: extra.progress ?? silentProgress,
  });
}

const kinds = (ids: readonly string[]) => ids.map((id) => id.split("-")[0]);

const metricsOf = (results: readonly { meanIoUWithBackground?: number }[]) =>
  results.map((r) => r.meanIoUWithBackground);

Deno.test("a small grid runs end to end, then is reused entirely", async () => {
  const out = await Deno.makeTempDir();
  await tf.setBackend("cpu");
  const tensorsBefore = tf.memory().numTensors;
  const first = await run(out);
  assert.equal(first.backend, "cpu");
  assert.deepEqual(kinds(first.computed).sort(), [
    "classifier",
    "data",
    "prior",
    ...Array(4).fill("segmenter"),
    "source",
    "split",
  ]);
  assert.deepEqual(first.results.map((r) => `${r.recipe}@${r.sampleSize}`), [
    "1Ch@100",
    "1Ch+CAM*@100",
    "1Ch@50",
    "1Ch+CAM*@50",
  ]);
  for (const result of first.results) {
    assert.equal(result.status, "done");
    assert.ok(result.meanIoUWithBackground! > 0 && result.meanIoUWithBackground! <= 1);
    assert.equal(result.iouPerClass!.length, 4);
  }
  assert.ok(first.results[2].trainPatients! < first.results[0].trainPatients!);
  assert.equal(tf.memory().numTensors, tensorsBefore, "tensors leaked by the run");
  const second = await run(out);
  assert.deepEqual(second.computed, []);
  assert.equal(second.reused.length, 4);
  assert.deepEqual(metricsOf(second.results), metricsOf(first.results));
  const changed = await run(
    out,
    smallExperiment({
      segmenter: {
        plugin: "tiny-unet",
        options: { depth: 1, filters: 5 },
        training: { epochs: 1 },
      },
    }),
  );
  assert.deepEqual(
    kinds(changed.computed),
    Array(4).fill("segmenter"),
    "only the segmenters rerun",
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("same seed, same backend: identical results", async () => {
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const experiment = smallExperiment({ grid: { channels: ["1Ch+CAM"], sampleSizes: [100] } });
  assert.deepEqual(
    metricsOf((await run(a, experiment)).results),
    metricsOf((await run(b, experiment)).results),
  );
  await Promise.all([a, b].map((d) => Deno.remove(d, { recursive: true })));
});

Deno.test("an interrupted run keeps finished cells and resumes with the rest", async () => {
  const out = await Deno.makeTempDir();
  const controller = new AbortController();
  let finishedSegmenters = 0;
  const abortAfterFirstCell: Progress = {
    start: (label) => ({
      update() {},
      finish() {
        if (label.startsWith("segmenter") && ++finishedSegmenters === 1) controller.abort();
      },
    }),
  };
  await assert.rejects(
    run(out, undefined, { signal: controller.signal, progress: abortAfterFirstCell }),
    {
      name: "InterruptedError",
    },
  );
  const resumed = await run(out);
  const segmenters = kinds(resumed.computed).filter((k) => k === "segmenter");
  assert.equal(segmenters.length, 3, "the cell finished before the interrupt is reused");
  assert.equal(resumed.results.filter((r) => r.status === "done").length, 4);
  await Deno.remove(out, { recursive: true });
});

Deno.test("a failing cell is recorded and the others still run", async () => {
  const out = await Deno.makeTempDir();
  const experiment = smallExperiment({
    segmenter: {
      plugin: "tiny-unet",
      options: { depth: 1, filters: 4 },
      training: {
        epochs: 1,
        batchSize: 8,
        learningRate: 10,
        optimizer: "sgd",
        momentum: 0.99,
        loss: "crossentropy",
      },
    },
    grid: { channels: ["1Ch"], sampleSizes: [100] },
  });
  const summary = await run(out, experiment);
  // Divergence is not guaranteed, so check consistency of whatever happened.
  for (const result of summary.results) {
    if (result.status === "failed") {
      assert.match(result.error!, /loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+/);
    }
  }
  assert.equal(summary.failed.length, summary.results.filter((r) => r.status === "failed").length);
  await Deno.remove(out, { recursive: true });
});

Deno.test("out-of-fold priors: training patients' maps come from fold classifiers", async () => {
  const grid = { channels: ["1Ch+CAM"], sampleSizes: [100] };
  const runMode = async (mode: string) => {
    const out = await Deno.makeTempDir();
    const summary = await run(out, smallExperiment({ grid, priorsFrom: { mode, folds: 2 } }));
    const cam = summary.graph.steps.find((s) => s.kind === "source")!;
    const maps = await readFloat32(join(storeOf(out).dir(cam.id), "maps.f32"));
    const split = summary.graph.steps.find((s) => s.kind === "split")!;
    const sets = JSON.parse(
      await Deno.readTextFile(join(storeOf(out).dir(split.id), "split.json")),
    );
    const data = summary.graph.steps.find((s) => s.kind === "data")!;
    const index = JSON.parse(
      await Deno.readTextFile(join(storeOf(out).dir(data.id), "index.json")),
    );
    await Deno.remove(out, { recursive: true });
    return { summary, maps, sets, meta: index.meta as { patientId: string }[], size: index.size };
  };
  const same = await runMode("same-model");
  const oof = await runMode("out-of-fold");
  assert.equal(kinds(oof.summary.computed).filter((k) => k === "classifier").length, 3);
  const pixels = same.size * same.size;
  const differs = (i: number) =>
    same.maps.subarray(i * pixels, (i + 1) * pixels).some((v, p) => v !== oof.maps[i * pixels + p]);
  same.meta.forEach((m, i) => {
    if (same.sets.test.includes(m.patientId)) assert.ok(!differs(i), `test slice ${i} changed`);
  });
  const trainSlices = same.meta.flatMap((m, i) => same.sets.train.includes(m.patientId) ? [i] : []);
  assert.ok(trainSlices.every(differs), "every training slice gets an out-of-fold map");
});
