/**
 * Research driver for semi-supervised strategies on real ACDC (SSL4MIS h5 layout): the
 * framework's split (predefined lists, 20% of the training patients held out as test,
 * stratified and seeded), segmentation labels for `--percent` of the training and
 * validation patients, the other training patients as the unlabelled pool (validation and
 * test patients never enter it), then one strategy trains a U-Net and the test patients
 * are scored per 3-D volume (patient × phase) at native resolution.
 *
 * ```sh
 * deno run -A bench/acdc_ssl.ts --strategy fixmatch --seed 1 --out /tmp/fixmatch-1.json
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { parseArgs } from "node:util";
import { SEGMENTATION_CLASSES, type Slice } from "../core/plugin/cohort.ts";
import { preprocessSlices } from "../core/steps/data/preprocess.ts";
import { resolveSplit, sampleSubset } from "../core/steps/split/split.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { consoleLogger } from "../core/util/logger.ts";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import { labelTensor } from "../core/steps/data/inputs.ts";
import { predictBatched } from "../core/training/predict.ts";
import { deriveSeed } from "../core/util/random.ts";
import { augmentBatch, augmentSchema, batchAugmenter } from "../core/training/augment.ts";
import { fit, type TensorDataset } from "../core/training/fit.ts";
import {
  oneHotTargets,
  segmentationLoss,
  type SegmentationLossName,
} from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { type StrategyInstance, strategyStep } from "../core/steps/segmenter/strategy.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { acdcH5DatasetPlugin, readAcdcH5 } from "../plugins/dataset/acdc_h5.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { cpsOptions, cpsStrategy } from "../plugins/strategy/cross_pseudo_supervision.ts";
import { fixmatchOptions, fixmatchStrategy } from "../plugins/strategy/fixmatch.ts";
import { meanTeacherOptions, meanTeacherStrategy } from "../plugins/strategy/mean_teacher.ts";
import { supervisedStrategy } from "../plugins/strategy/supervised.ts";
import { volumeDice } from "./acdc_volume_dice.ts";

const NUM_CLASSES = SEGMENTATION_CLASSES.length;

const { values: args } = parseArgs({
  options: {
    data: {
      type: "string",
      default: fileURLToPath(new URL("../../shared/data/acdc", import.meta.url)),
    },
    strategy: { type: "string", default: "supervised" },
    /** Label of this variant in comparisons (default: the strategy name). */
    tag: { type: "string" },
    options: { type: "string", default: "{}" },
    unet: { type: "string", default: '{"depth":3,"filters":16}' },
    augment: {
      type: "string",
      default: '{"flipHorizontal":true,"flipVertical":true,"rotation":15}',
    },
    epochs: { type: "string", default: "100" },
    patience: { type: "string", default: "1000" },
    percent: { type: "string", default: "10" },
    size: { type: "string", default: "64" },
    crop: { type: "string", default: "heart" },
    batch: { type: "string", default: "8" },
    lr: { type: "string", default: "0.001" },
    loss: { type: "string", default: "crossentropy+dice" },
    seed: { type: "string", default: "1" },
    "eval-every": { type: "string", default: "10" },
    out: { type: "string", default: "/tmp/acdc_ssl.json" },
  },
});

const num = (name: keyof typeof args) => Number(args[name]);
const seed = num("seed");
const context = (s: number) => ({
  seed: s,
  workDir: "/tmp",
  log: consoleLogger,
  signal: new AbortController().signal,
});

function strategyOf(name: string, options: unknown): StrategyInstance {
  switch (name) {
    case "supervised":
      return supervisedStrategy();
    case "mean-teacher":
      return meanTeacherStrategy(meanTeacherOptions.parse(options));
    case "cross-pseudo-supervision":
      return cpsStrategy(cpsOptions.parse(options));
    case "fixmatch":
      return fixmatchStrategy(fixmatchOptions.parse(options));
  }
  throw new Error(`unknown strategy ${name}`);
}

async function loadCell() {
  const cohort = await readAcdcH5(acdcH5DatasetPlugin.options.parse({ root: args.data }));
  const split = resolveSplit(cohort, { mode: "predefined", val: 0.2, test: 0.2 }, seed);
  const of = (ids: readonly string[]) => cohort.patients.filter((p) => ids.includes(p.id));
  const labelled = sampleSubset(of(split.train), num("percent"), seed);
  const val = sampleSubset(of(split.val), num("percent"), seed);
  const pool = split.train.filter((id) => !labelled.includes(id));
  const slicesOf = (ids: readonly string[]) => {
    const wanted = new Set(ids);
    return cohort.slices.filter((s) => wanted.has(s.patientId));
  };
  return {
    ids: { labelled, val, pool, test: split.test },
    labelled: slicesOf(labelled),
    val: slicesOf(val),
    pool: slicesOf(pool),
    test: slicesOf(split.test),
  };
}

function prepare(slices: readonly Slice[]) {
  const crop = args.crop as "none" | "center" | "heart";
  const prepared = preprocessSlices(slices, { size: num("size"), crop });
  const inputs = tf.tensor4d(prepared.images, [prepared.count, prepared.size, prepared.size, 1]);
  return { prepared, data: { inputs, targets: labelTensor(prepared) } as TensorDataset };
}

async function scoreTest(
  model: tfl.LayersModel,
  test: ReturnType<typeof prepare>,
  slices: Slice[],
) {
  const labels = await predictBatched(model, test.data.inputs, 16, (p) => tf.argMax(p, -1));
  const report = volumeDice(test.prepared, slices, Uint8Array.from(labels));
  // Per volume (patient and phase) for `ssl_compare.ts`.
  const perVolume = Object.fromEntries(
    report.volumes.map((v) => [`${v.patientId} ${v.phase}`, v.foregroundDice]),
  );
  return { prepared: report.prepared, native: { ...report.native, perVolume } };
}

async function main() {
  const started = performance.now();
  const backend = backendPlugins.find((p) => p.name === "wasm")!;
  await backend.create({}, context(seed));
  const cell = await loadCell();
  const [labelled, val, pool, test] = [cell.labelled, cell.val, cell.pool, cell.test].map(prepare);
  const weak = augmentSchema.parse(JSON.parse(args.augment!));
  const unetOptions = unetPlugin.options.parse(JSON.parse(args.unet!));
  const segmenter = (s: number) => unetPlugin.create(unetOptions, context(s)) as SegmenterInstance;
  const spec = { inputShape: [num("size"), num("size"), 1] as const, numClasses: NUM_CLASSES };
  const lossFn = segmentationLoss(args.loss as SegmentationLossName);
  const strategy = strategyOf(args.strategy!, JSON.parse(args.options!)).start({
    build: (i) => segmenter(i === 0 ? seed : deriveSeed(seed, `network ${i}`)).build(spec),
    loss: lossFn,
    numClasses: NUM_CLASSES,
    imageChannels: [true],
    seed,
  });
  const config = {
    ...args,
    patients: Object.fromEntries(Object.entries(cell.ids).map(([k, v]) => [k, v.length])),
    slices: {
      labelled: labelled.prepared.count,
      pool: pool.prepared.count,
      test: test.prepared.count,
    },
    ids: cell.ids,
  };
  console.log(`acdc-ssl: ${JSON.stringify({ ...config, ids: undefined })}`);
  const history: unknown[] = [];
  const out = { config, history, result: {} as Record<string, unknown> };
  const save = () => Deno.writeTextFile(args.out!, JSON.stringify(out, null, 1));
  const result = await fit(strategy.model, labelled.data, val.data, {
    settings: trainingSchema.parse({
      epochs: num("epochs"),
      batchSize: num("batch"),
      learningRate: num("lr"),
      patience: num("patience"),
    }),
    seed,
    signal: new AbortController().signal,
    label: `acdc ${args.strategy}`,
    augment: batchAugmenter(weak, "segmentation", [true]),
    step: strategyStep(
      strategy,
      {
        images: pool.data.inputs,
        augment: (images, s) => augmentBatch({ images }, weak, s, [true]).images,
      },
      num("batch"),
      seed,
    ),
    loss: (m, inputs, targets, training) =>
      tf.tidy(() =>
        lossFn(
          applySegmenter(m, inputs, training),
          oneHotTargets(targets, NUM_CLASSES) as tf.Tensor4D,
        )
      ),
    onEpoch: async (report) => {
      const entry: Record<string, unknown> = { ...report, memory: tf.memory().numTensors };
      if (report.epoch % num("eval-every") === 0) {
        entry.testDice = (await scoreTest(strategy.model, test, cell.test)).native
          .foregroundDice;
      }
      history.push(entry);
      console.log(JSON.stringify(entry));
      await save();
    },
  });
  const dice = await scoreTest(strategy.model, test, cell.test);
  out.result = {
    ...dice,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    trainSeconds: result.history.reduce((a, h) => a + h.seconds, 0),
  };
  console.log(
    `done: native fg Dice per volume ${dice.native.foregroundDice.toFixed(4)} ` +
      `(${dice.native.volumes} volumes), best epoch ${result.bestEpoch}, ` +
      `${((performance.now() - started) / 60000).toFixed(1)} min`,
  );
  await save();
  strategy.dispose();
}

await main();
