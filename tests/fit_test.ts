import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { type BatchLoss, fit } from "../core/training/fit.ts";

await tf.setBackend("cpu");

function linearModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [1, 1, 2] });
  const output = tfl.layers.dense({
    units: 1,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
  }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

function regressionData(count: number, noise = 0) {
  const x = Array.from({ length: count * 2 }, (_, i) => Math.sin(i * 1.7));
  const y = Array.from(
    { length: count },
    (_, i) => 3 * x[2 * i] - 2 * x[2 * i + 1] + noise * Math.cos(i * 5.3),
  );
  return { inputs: tf.tensor4d(x, [count, 1, 1, 2]), targets: tf.tensor1d(y) };
}

const mse: BatchLoss = (model, inputs, targets) =>
  tf.tidy(() =>
    tf.mean(tf.square(tf.sub(tf.reshape(model.apply(inputs) as tf.Tensor, [-1]), targets)))
  );

function settings(overrides: Record<string, unknown>) {
  return trainingSchema.parse({ batchSize: 4, learningRate: 0.05, ...overrides });
}

const signal = new AbortController().signal;

Deno.test("fit lowers the loss and leaks no tensors", async () => {
  const model = linearModel();
  const data = regressionData(16);
  const before = tf.memory().numTensors;
  const result = await fit(model, data, undefined, {
    settings: settings({ epochs: 30 }),
    loss: mse,
    seed: 1,
    signal,
    label: "t",
  });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(result.history.at(-1)!.loss < result.history[0].loss / 10);
  tf.dispose([data.inputs, data.targets]);
  model.dispose();
});

Deno.test("fit is deterministic for a seed", async () => {
  const run = async () => {
    const model = linearModel();
    const data = regressionData(16);
    const result = await fit(model, data, undefined, {
      settings: settings({ epochs: 5 }),
      loss: mse,
      seed: 7,
      signal,
      label: "t",
    });
    tf.dispose([data.inputs, data.targets]);
    model.dispose();
    return result.history.map((h) => h.loss);
  };
  assert.deepEqual(await run(), await run());
});

Deno.test("early stopping waits `patience` epochs and restores the best weights", async () => {
  const model = linearModel();
  const train = regressionData(16);
  const val = regressionData(4, 0.5);
  // A validation loss that rises after epoch 3 whatever the weights do.
  let epoch = 0;
  const valCurve = [5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9];
  const loss: BatchLoss = (m, inputs, targets, training) =>
    training ? mse(m, inputs, targets, training) : tf.scalar(valCurve[Math.min(epoch++, 7)]);
  const snapshots: number[][] = [];
  const result = await fit(model, train, val, {
    settings: settings({ epochs: 8, patience: 2, batchSize: 4 }),
    loss,
    seed: 1,
    signal,
    label: "t",
    onEpoch: () => snapshots.push(Array.from(model.getWeights()[0].dataSync())),
  });
  assert.equal(result.bestEpoch, 3);
  assert.equal(result.stoppedEarly, true);
  assert.equal(result.history.length, 5);
  assert.deepEqual(Array.from(model.getWeights()[0].dataSync()), snapshots[2]);
  tf.dispose([train.inputs, train.targets, val.inputs, val.targets]);
  model.dispose();
});

Deno.test("a NaN loss stops training naming the epoch and step", async () => {
  const model = linearModel();
  const data = regressionData(12);
  let step = 0;
  const loss: BatchLoss = (m, inputs, targets, training) => {
    step++;
    const value = mse(m, inputs, targets, training);
    return step === 5 ? tf.mul(value, NaN) : value;
  };
  await assert.rejects(
    fit(model, data, undefined, {
      settings: settings({ epochs: 3 }),
      loss,
      seed: 1,
      signal,
      label: "classifier x",
    }),
    { message: /^classifier x: loss became NaN at epoch 2, step 2; try a lower learning rate/ },
  );
  tf.dispose([data.inputs, data.targets]);
  model.dispose();
});

Deno.test("an aborted signal interrupts training", async () => {
  const model = linearModel();
  const data = regressionData(8);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    fit(model, data, undefined, {
      settings: settings({ epochs: 3 }),
      loss: mse,
      seed: 1,
      signal: controller.signal,
      label: "seg",
    }),
    { name: "InterruptedError", message: "interrupted during seg, epoch 1" },
  );
  tf.dispose([data.inputs, data.targets]);
  model.dispose();
});

Deno.test("the learning rate follows the schedule, stepped once per epoch", async () => {
  const model = linearModel();
  const train = regressionData(8);
  const val = regressionData(4);
  let epoch = 0;
  const valCurve = [5, 4, 4, 4, 4, 4];
  const loss: BatchLoss = (m, inputs, targets, training) =>
    training ? mse(m, inputs, targets, training) : tf.scalar(valCurve[epoch++]);
  const result = await fit(model, train, val, {
    settings: settings({
      epochs: 6,
      batchSize: 8,
      learningRate: 0.04,
      schedule: { type: "plateau", factor: 0.5, patience: 2 },
    }),
    loss,
    seed: 1,
    signal,
    label: "t",
  });
  assert.deepEqual(result.history.map((h) => h.learningRate), [0.04, 0.04, 0.04, 0.04, 0.02, 0.02]);
  const cosine = await fit(model, train, undefined, {
    settings: settings({ epochs: 3, learningRate: 0.04, schedule: { type: "cosine" } }),
    loss: mse,
    seed: 1,
    signal,
    label: "t",
  });
  assert.deepEqual(cosine.history.map((h) => h.learningRate), [0.04, 0.02, 0]);
  tf.dispose([train.inputs, train.targets, val.inputs, val.targets]);
  model.dispose();
});

Deno.test("augmentation applies to each training batch with its own seed, not to validation", async () => {
  const run = async () => {
    const model = linearModel();
    const train = regressionData(10);
    const val = regressionData(4);
    const seeds: number[] = [];
    const result = await fit(model, train, val, {
      settings: settings({ epochs: 2, batchSize: 4 }),
      loss: mse,
      seed: 5,
      signal,
      label: "t",
      augment: (batch, seed) => {
        seeds.push(seed);
        return { inputs: tf.mul(batch.inputs, 1.01), targets: tf.clone(batch.targets) };
      },
    });
    tf.dispose([train.inputs, train.targets, val.inputs, val.targets]);
    model.dispose();
    return { seeds, losses: result.history.map((h) => h.loss) };
  };
  const before = tf.memory().numTensors;
  const first = await run();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(first.seeds.length, 6, "3 batches × 2 epochs");
  assert.equal(new Set(first.seeds).size, 6);
  assert.deepEqual(await run(), first);
});

Deno.test("SGD with momentum leaks nothing; an async onEpoch is awaited", async () => {
  const model = linearModel();
  const data = regressionData(8);
  const before = tf.memory().numTensors;
  const seen: number[] = [];
  await fit(model, data, undefined, {
    settings: settings({ epochs: 3, optimizer: "sgd", learningRate: 0.01 }),
    loss: mse,
    seed: 1,
    signal,
    label: "t",
    onEpoch: async (report) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(report.epoch);
    },
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([data.inputs, data.targets]);
  model.dispose();
});
