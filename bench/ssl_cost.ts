/**
 * Cost of one labelled step of each training strategy relative to `supervised`, on the
 * same machine under the same load: strategies take turns (round-robin), each running a
 * few steps per turn, and the median step time per strategy is reported with its ratio
 * to `supervised`. Inputs are random 64×64 slices; the U-Net is the ACDC research one.
 *
 * ```sh
 * deno run -A bench/ssl_cost.ts --rounds 5 --steps 3
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { parseArgs } from "node:util";
import { consoleLogger } from "../core/util/logger.ts";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import { deriveSeed } from "../core/util/random.ts";
import { makeOptimizer } from "../core/training/optimizer.ts";
import { segmentationLoss } from "../core/training/losses.ts";
import { type StrategyInstance, strategyStep } from "../core/steps/segmenter/strategy.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { cpsOptions, cpsStrategy } from "../plugins/strategy/cross_pseudo_supervision.ts";
import { fixmatchOptions, fixmatchStrategy } from "../plugins/strategy/fixmatch.ts";
import { meanTeacherOptions, meanTeacherStrategy } from "../plugins/strategy/mean_teacher.ts";
import { supervisedStrategy } from "../plugins/strategy/supervised.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    steps: { type: "string", default: "3" },
    size: { type: "string", default: "64" },
    batch: { type: "string", default: "8" },
    unet: { type: "string", default: '{"depth":3,"filters":16}' },
  },
});
const [size, batch] = [Number(args.size), Number(args.batch)];
const context = (seed: number) => ({
  seed,
  workDir: "/tmp",
  log: consoleLogger,
  signal: new AbortController().signal,
});
await backendPlugins.find((p) => p.name === "wasm")!.create({}, context(1));

const STRATEGIES: Record<string, StrategyInstance> = {
  "supervised": supervisedStrategy(),
  "mean-teacher": meanTeacherStrategy(meanTeacherOptions.parse({})),
  "cross-pseudo-supervision": cpsStrategy(cpsOptions.parse({})),
  "fixmatch": fixmatchStrategy(fixmatchOptions.parse({})),
};

const unet = unetPlugin.options.parse(JSON.parse(args.unet!));
const images = tf.randomUniform([batch, size, size, 1], 0, 1, "float32", 1) as tf.Tensor4D;
const labels = tf.cast(tf.mul(tf.squeeze(images, [3]), 3.99), "int32");
const pool = tf.randomUniform([64, size, size, 1], 0, 1, "float32", 2) as tf.Tensor4D;
const runs = Object.entries(STRATEGIES).map(([name, instance]) => {
  const strategy = instance.start({
    build: (i) =>
      (unetPlugin.create(
        unet,
        context(i === 0 ? 1 : deriveSeed(1, `network ${i}`)),
      ) as SegmenterInstance).build({ inputShape: [size, size, 1], numClasses: 4 }),
    loss: segmentationLoss("crossentropy+dice"),
    numClasses: 4,
    imageChannels: [true],
    seed: 1,
  });
  const optimizer = makeOptimizer(trainingSchema.parse({}), 1e-3);
  const step = strategyStep(strategy, { images: pool }, batch, 1);
  return { name, step, optimizer: optimizer.optimizer, times: [] as number[] };
});

for (let round = 0; round <= Number(args.rounds); round++) {
  for (const run of runs) {
    for (let k = 0; k < Number(args.steps); k++) {
      const started = performance.now();
      const info = { epoch: 1, epochs: 1, step: k, stepsPerEpoch: 100, seed: round * 100 + k };
      const loss = run.step({ inputs: images, targets: labels }, run.optimizer, info);
      await loss.data();
      loss.dispose();
      if (round > 0) run.times.push(performance.now() - started); // round 0 warms up
    }
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = median(runs[0].times);
for (const run of runs) {
  const ms = median(run.times);
  console.log(
    `${run.name.padEnd(26)} ${ms.toFixed(0).padStart(6)} ms/step  ×${(ms / base).toFixed(2)}`,
  );
}
