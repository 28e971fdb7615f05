import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { copyWeights, emaRate, emaUpdate } from "../core/training/ema.ts";
import { hostValues, useBackend } from "./model_harness.ts";

await useBackend("cpu");

function dense(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [3] });
  const out = tfl.layers.dense({
    units: 2,
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    biasInitializer: tfl.initializers.randomUniform({ seed: seed + 1 }),
  }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const weightsOf = (m: tfl.LayersModel) => Promise.all(m.getWeights().map(hostValues));

Deno.test("ema: the rate warms up as min(1 − 1/(t + 1), decay)", () => {
  assert.equal(emaRate(0.99, 0), 0);
  assert.equal(emaRate(0.99, 1), 0.5);
  assert.equal(emaRate(0.99, 9), 0.9);
  assert.equal(emaRate(0.99, 1000), 0.99);
});

Deno.test("ema: the teacher follows θ' = α θ' + (1 − α) θ; no tensors leak", async () => {
  const [student, teacher] = [dense(1), dense(7)];
  const before = tf.memory().numTensors;
  copyWeights(student, teacher);
  assert.deepEqual(await weightsOf(teacher), await weightsOf(student));
  // Move the student, then update at step 3 (α = 0.75) with decay 0.9.
  const moved = student.getWeights().map((w) => tf.add(w, 1));
  student.setWeights(moved);
  tf.dispose(moved);
  const [s, t] = [await weightsOf(student), await weightsOf(teacher)];
  emaUpdate(student, teacher, 0.9, 3);
  const updated = await weightsOf(teacher);
  updated.forEach((w, k) =>
    w.forEach((v, i) => assert.ok(Math.abs(v - (0.75 * t[k][i] + 0.25 * s[k][i])) < 1e-6))
  );
  emaUpdate(student, teacher, 0.5, 100);
  const again = await weightsOf(teacher);
  again.forEach((w, k) =>
    w.forEach((v, i) => assert.ok(Math.abs(v - (0.5 * updated[k][i] + 0.5 * s[k][i])) < 1e-6))
  );
  assert.equal(tf.memory().numTensors, before);
  student.dispose();
  teacher.dispose();
});
