import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { emaRate } from "../core/training/ema.ts";
import { makeOptimizer } from "../core/training/optimizer.ts";
import { meanTeacherOptions, meanTeacherStrategy } from "../plugins/strategy/mean_teacher.ts";
import {
  assertFlatMemory,
  hostValues,
  maxDifference,
  runStrategy,
  tinySetup,
  tinySlices,
  useBackend,
} from "./strategy_harness.ts";

await useBackend("wasm");

const strategy = (options = {}) =>
  meanTeacherStrategy(meanTeacherOptions.parse({ rampUp: 0, consistency: 10, ...options }));

Deno.test("mean-teacher: the unlabelled pool changes the result; flat memory; deterministic", async () => {
  const withPool = await runStrategy(strategy());
  const without = await runStrategy(strategy(), { withPool: false });
  assert.ok(maxDifference(withPool.weights, without.weights) > 1e-4, "pool made no difference");
  assertFlatMemory(withPool);
  assert.deepEqual((await runStrategy(strategy())).weights, withPool.weights);
});

Deno.test("mean-teacher: after each step the teacher is α·teacher + (1 − α)·student", async () => {
  const data = tinySlices();
  const started = strategy({ decay: 0.9 }).start(tinySetup());
  const [student, teacher] = started.networks;
  assert.equal(started.model, teacher);
  const optimizer = makeOptimizer(trainingSchema.parse({ learningRate: 0.01 }), 0.01);
  const weights = (m: typeof student) => Promise.all(m.getWeights().map(hostValues));
  assert.deepEqual(await weights(teacher), await weights(student), "teacher starts as a copy");
  for (const step of [0, 1, 5, 40]) {
    const old = await weights(teacher);
    const info = { epoch: 1, epochs: 1, step, stepsPerEpoch: 50, seed: step };
    const unlabelled = tf.slice(data.pool, 0, 2) as tf.Tensor4D;
    const batch = {
      inputs: tf.slice(data.labelled.inputs, 0, 2),
      targets: tf.slice(data.labelled.targets, 0, 2),
    };
    started.step({ labelled: batch as never, unlabelled, info }, optimizer.optimizer).dispose();
    tf.dispose([unlabelled, batch.inputs, batch.targets]);
    const [s, t] = [await weights(student), await weights(teacher)];
    const alpha = emaRate(0.9, step);
    t.forEach((w, k) =>
      w.forEach((v, i) =>
        assert.ok(Math.abs(v - (alpha * old[k][i] + (1 - alpha) * s[k][i])) < 1e-5)
      )
    );
  }
  optimizer.dispose();
  started.dispose();
  started.model.dispose();
  tf.dispose([data.labelled.inputs, data.labelled.targets, data.pool]);
});
