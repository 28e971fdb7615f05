import assert from "node:assert/strict";
import {
  globalStep,
  sigmoidRampUp,
  trainingProgress,
  UnlabelledSampler,
} from "../core/steps/segmenter/strategy.ts";

Deno.test("strategy: the sampler passes over the pool in seeded orders, each row once per pass", () => {
  const sampler = new UnlabelledSampler(10, 4);
  const first = [sampler.take(4), sampler.take(4), sampler.take(4)].flat();
  assert.deepEqual([...first.slice(0, 10)].sort((a, b) => a - b), [...Array(10).keys()]);
  assert.notDeepEqual(first.slice(0, 10), [...Array(10).keys()], "not shuffled");
  const again = new UnlabelledSampler(10, 4);
  assert.deepEqual([again.take(6), again.take(6)].flat(), first);
  assert.notDeepEqual(new UnlabelledSampler(10, 5).take(10), first.slice(0, 10));
  assert.deepEqual(new UnlabelledSampler(3, 1).take(7).length, 7);
});

Deno.test("strategy: progress, global step and the sigmoid ramp-up", () => {
  const info = { epoch: 2, epochs: 4, step: 1, stepsPerEpoch: 5, seed: 0 };
  assert.equal(globalStep(info), 6);
  assert.equal(trainingProgress(info), 7 / 20);
  assert.equal(trainingProgress({ ...info, epoch: 4, step: 4 }), 1);
  assert.equal(sigmoidRampUp(0, 0.5), Math.exp(-5));
  assert.equal(sigmoidRampUp(0.25, 0.5), Math.exp(-5 * 0.25));
  assert.equal(sigmoidRampUp(0.5, 0.5), 1);
  assert.equal(sigmoidRampUp(0.9, 0.5), 1);
  assert.equal(sigmoidRampUp(0.1, 0), 1);
});
