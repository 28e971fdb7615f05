import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  camQuality,
  globalSsim,
  modelRandomisationTest,
  randomisationSimilarity,
  spearman,
} from "../core/xai/cam_quality.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { gradcamPlugin } from "../plugins/xai/gradcam.ts";
import { seeded, testContext, toTensor } from "./backend_parity.ts";

const close = (actual: number, expected: number, label: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${label}: ${actual} vs ${expected}`);

Deno.test("camQuality: overlap with the heart (labels 1, 2, 3) per slice, mean and pooled", () => {
  // slice 0: heart = pixels 1, 2, 3 (labels RV, MYO, LV); prior ≥ 0.5 at pixels 2, 3, 4
  // slice 1: heart = pixels 0, 1; prior ≥ 0.5 at pixels 0, 1 (exact)
  const labels = [0, 1, 2, 3, 0, 0, 3, 3, 0, 0, 0, 0];
  const maps = [0.1, 0.4, 0.5, 0.9, 0.7, 0.2, 1, 0.6, 0, 0.3, 0.49, 0];
  const quality = camQuality(maps, labels, 6);
  assert.equal(quality.threshold, 0.5);
  const [first, second] = quality.perSlice;
  close(first.iou, 2 / 4, "iou 0");
  close(first.dice, 4 / 6, "dice 0");
  close(first.sensitivity, 2 / 3, "sensitivity 0");
  close(first.specificity, 2 / 3, "specificity 0");
  assert.deepEqual(second, { iou: 1, dice: 1, sensitivity: 1, specificity: 1 });
  close(quality.mean.iou, 0.75, "mean iou");
  close(quality.mean.specificity, 5 / 6, "mean specificity");
  // pooled: TP 4, FP 1, FN 1, TN 6
  close(quality.pooled.iou, 4 / 6, "pooled iou");
  close(quality.pooled.dice, 8 / 10, "pooled dice");
  close(quality.pooled.specificity, 6 / 7, "pooled specificity");
  // mass: heart pixels 1, 2, 3, 6, 7 carry 0.4 + 0.5 + 0.9 + 1 + 0.6 of 5.19
  close(quality.massInHeart, 3.4 / 5.19, "mass inside the heart");
  close(quality.heartShare, 5 / 12, "heart share");
  assert.ok(Number.isNaN(camQuality([0, 0], [1, 0], 2).massInHeart), "all-zero maps: NaN");
  close(camQuality([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0], 4).massInHeart, 0.25, "flat = share");
});

Deno.test("camQuality: threshold option, zero division, bad shapes", () => {
  const labels = [0, 0, 0, 0];
  const maps = [0.2, 0.2, 0.1, 0.1];
  assert.equal(camQuality(maps, labels, 4).perSlice[0].iou, 0, "MISeval's 0 for 0/0 by default");
  const nan = camQuality(maps, labels, 4, { zeroDivision: Number.NaN });
  assert.ok(Number.isNaN(nan.mean.iou));
  assert.equal(nan.mean.specificity, 1);
  const low = camQuality(maps, labels, 4, { threshold: 0.15 });
  assert.equal(low.perSlice[0].specificity, 0.5);
  assert.throws(() => camQuality(maps, labels, 3), RangeError);
  assert.throws(() => camQuality(maps, [0, 0], 2), RangeError);
});

Deno.test("spearman: average ranks for ties (as SciPy), sign and constant maps", () => {
  const a = [0, 0, 0.5, 0.2, 0.2, 1, 0.7, 0];
  const b = [0.1, 0, 0.3, 0.3, 0.9, 0.8, 0.2, 0];
  assert.ok(Math.abs(spearman(a, b) - 0.6895607149652165) < 1e-12);
  close(spearman([1, 2, 3], [10, 20, 40]), 1, "monotone");
  close(spearman([1, 2, 3], [3, 2, 1]), -1, "reversed");
  assert.ok(Number.isNaN(spearman([0, 0, 0], [1, 2, 3])));
});

Deno.test("global SSIM: 1 for identical maps, lower for unrelated ones", () => {
  const a = [0, 0.2, 0.9, 0.4];
  close(globalSsim(a, a), 1, "identical");
  assert.ok(globalSsim(a, [0.9, 0.4, 0, 0.2]) < 0.5);
});

Deno.test("randomisationSimilarity compares map by map", () => {
  const trained = [0, 0.5, 1, 0.2, 0.3, 0.9];
  const similarity = randomisationSimilarity(trained, [0.1, 0.6, 0.9, 0.9, 0.3, 0.2], 3);
  close(similarity.perMap[0].spearman, 1, "map 0");
  close(similarity.perMap[1].spearman, -1, "map 1");
  close(similarity.spearman, 0, "mean");
  assert.throws(() => randomisationSimilarity(trained, [0], 3), RangeError);
});

Deno.test("model randomisation: 1 against itself, a number below it against a re-initialised net", async () => {
  await cpuBackendPlugin.create({}, testContext());
  const build = async (seed: number) =>
    (await tinyCnnPlugin.create({ filters: 4, blocks: 1 }, { ...testContext(), seed }))
      .build({ inputShape: [16, 16, 1], numClasses: 3 });
  const [trained, randomised] = [await build(1), await build(2)];
  const images = toTensor(seeded([3, 16, 16, 1], 5)) as tf.Tensor4D;
  const xai = gradcamPlugin.create({});
  const before = tf.memory().numTensors;
  const same = await modelRandomisationTest(xai, trained, trained, images);
  close(same.spearman, 1, "same network");
  close(same.ssim, 1, "same network ssim");
  const other = await modelRandomisationTest(xai, trained, randomised, images);
  assert.equal(other.perMap.length, 3);
  assert.ok(other.spearman < 0.99 && other.spearman >= -1, `spearman ${other.spearman}`);
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
  images.dispose();
});
