import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { DIAGNOSES } from "../core/plugin/cohort.ts";
import type { PreparedSlices } from "../core/steps/data/prepared.ts";
import { ConfigError } from "../core/util/errors.ts";
import { parseExperiment } from "../core/config/experiment.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { trainClassifier } from "../core/steps/classifier/train_classifier.ts";
import { trainSegmenter } from "../core/steps/segmenter/train_segmenter.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { pattern, quadrantBatch, useBackend } from "./model_harness.ts";

await useBackend("wasm");

const SIZE = 8;
const registry = builtinRegistry();

/** `count` slices: the brightest quadrant gives the diagnosis, intensity quartiles the labels. */
function slices(count: number, offset: number): PreparedSlices {
  const { images } = quadrantBatch(count, SIZE, 1, DIAGNOSES.length);
  images.set(images.map((v, i) => Math.min(1, v + pattern(1, i + offset)[0] * 0.05)));
  return {
    size: SIZE,
    count,
    images,
    labels: Uint8Array.from(images, (v) => Math.min(3, Math.floor(v * 4))),
    meta: Array.from({ length: count }, (_, i) => ({
      patientId: `p${offset + i}`,
      group: DIAGNOSES[i % DIAGNOSES.length],
      phase: "ED" as const,
      sliceIndex: 0,
    })),
  };
}

function experiment(training: Record<string, unknown>, classifierOptions = {}) {
  return parseExperiment({
    name: "pipeline-test",
    dataset: "tiny",
    classifier: {
      plugin: "resnet",
      options: { width: 4, stages: [1], stem: "small", ...classifierOptions },
      training,
    },
    segmenter: { plugin: "unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch"], sampleSizes: [100] },
  }, registry);
}

const context = () => ({
  seed: 1,
  workDir: "/tmp",
  log: memoryLogger(),
  signal: new AbortController().signal,
});

const TRAINING = {
  epochs: 2,
  batchSize: 5,
  classWeights: "balanced",
  augment: { flipHorizontal: true, intensity: 0.1 },
  schedule: { type: "cosine" },
};

Deno.test("classifier step: searches dropout × learning rate and keeps the best on validation", async () => {
  const before = tf.memory().numTensors;
  const ctx = context();
  const search = { dropout: [0.1, 0.25], learningRate: [0.01, 0.001] };
  const trained = await trainClassifier(
    experiment({ ...TRAINING, search }).classifier,
    registry,
    ctx,
    slices(10, 0),
    slices(5, 100),
  );
  assert.equal(trained.trials.length, 4);
  const best = Math.min(...trained.trials.map((t) => t.valLoss));
  const kept = trained.trials.find((t) => t.valLoss === best)!;
  assert.deepEqual(trained.chosen, kept.candidate);
  assert.equal(trained.fit.history[0].learningRate, kept.candidate.learningRate);
  assert.ok(ctx.log.lines.some((l) => l.includes("search picked")), ctx.log.lines.join("\n"));
  trained.network.model.dispose();
  assert.equal(tf.memory().numTensors, before, "losing candidates or data leaked");
});

Deno.test("classifier step: a dropout search needs a plugin with a dropout option", async () => {
  const file = experiment({ epochs: 1, search: { dropout: [0.1, 0.2] } });
  const tinyCnn = { ...file, classifier: { ...file.classifier, plugin: "tiny-cnn", options: {} } };
  await assert.rejects(
    trainClassifier(tinyCnn.classifier, registry, context(), slices(5, 0), slices(5, 50)),
    (e) =>
      e instanceof ConfigError && /search.dropout: classifier plugin "tiny-cnn"/.test(e.message),
  );
});

Deno.test("segmenter step: trains with weights, augmentation and search, then evaluates", async () => {
  const before = tf.memory().numTensors;
  const outcome = await trainSegmenter(
    experiment({ ...TRAINING, search: { learningRate: [0.01, 0.001] } }).segmenter,
    registry,
    context(),
    ["image"],
    {
      train: slices(10, 0),
      val: slices(5, 100),
      test: slices(5, 200),
      trainPriors: new Map(),
      valPriors: new Map(),
      testPriors: new Map(),
    },
  );
  assert.equal(outcome.trials.length, 2);
  assert.equal(outcome.predictions.length, 5 * SIZE * SIZE);
  assert.ok(outcome.metrics.meanIoUWithBackground >= 0);
  outcome.model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

/** Patients with both phases at 3 positions; the ES blob is smaller (the heart contracts). */
function cineSlices(patients: number, offset: number): PreparedSlices {
  const meta: PreparedSlices["meta"][number][] = [];
  const images: number[] = [];
  for (let p = 0; p < patients; p++) {
    for (const phase of ["ED", "ES"] as const) {
      for (let k = 0; k < 3; k++) {
        const radius = (phase === "ED" ? 3 : 1.5) * (1 - 0.2 * k);
        for (let i = 0; i < SIZE * SIZE; i++) {
          const [y, x] = [Math.floor(i / SIZE) - 3.5, (i % SIZE) - 3.5];
          images.push(Math.hypot(y, x) < radius ? 0.9 : 0.1 + 0.05 * pattern(1, i + p)[0]);
        }
        meta.push({ patientId: `c${offset + p}`, group: DIAGNOSES[p % 5], phase, sliceIndex: k });
      }
    }
  }
  const values = Float32Array.from(images);
  return {
    size: SIZE,
    count: meta.length,
    images: values,
    labels: new Uint8Array(values.length),
    meta,
  };
}

Deno.test("classifier step: free targets on what the input shows (ed-es → phase, neighbours → position)", async () => {
  const before = tf.memory().numTensors;
  const base = experiment({ epochs: 3, batchSize: 6, learningRate: 0.01 }).classifier;
  for (
    const [input, target, channels, classes] of [
      ["ed-es", "phase", 2, 2],
      ["neighbours", "position", 3, 3],
    ] as const
  ) {
    const trained = await trainClassifier(
      { ...base, input, target },
      registry,
      context(),
      cineSlices(4, 0),
      cineSlices(2, 100),
    );
    assert.deepEqual(trained.network.model.inputs[0].shape, [null, SIZE, SIZE, channels]);
    assert.deepEqual(trained.network.model.outputs[0].shape, [null, classes]);
    const losses = trained.fit.history.map((h) => h.loss);
    assert.ok(losses.every(Number.isFinite), `${input} → ${target}: ${losses}`);
    trained.network.model.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
