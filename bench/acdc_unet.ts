/**
 * Benchmark: trains a small U-Net on the real ACDC slices (SSL4MIS h5 layout) and reports,
 * after every epoch, the foreground mean Dice per 3-D validation volume averaged over the
 * volumes (10 patients × ED/ES), at the network's resolution and at native resolution.
 *
 * Defaults follow the issue: 1 channel, 64×64, U-Net with 4 resolution levels (3 poolings)
 * and 16 base filters, Adam 1e-3, batch 8, random flips, cross-entropy + soft Dice.
 *
 * ```sh
 * deno run -A bench/acdc_unet.ts --epochs 40 --backend wasm --out /tmp/acdc_unet.json
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { parseArgs } from "node:util";
import type { Slice } from "../core/plugin/cohort.ts";
import { SEGMENTATION_CLASSES } from "../core/plugin/cohort.ts";
import { preprocessSlices } from "../core/steps/data/preprocess.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { consoleLogger } from "../core/util/logger.ts";
import { labelTensor } from "../core/steps/data/inputs.ts";
import { predictBatched } from "../core/training/predict.ts";
import { augmentSchema, batchAugmenter } from "../core/training/augment.ts";
import { type EpochReport, fit, type TensorDataset } from "../core/training/fit.ts";
import {
  oneHotTargets,
  segmentationLoss,
  type SegmentationLossName,
} from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { acdcH5DatasetPlugin, readAcdcH5 } from "../plugins/dataset/acdc_h5.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { volumeDice, type VolumeDiceReport } from "./acdc_volume_dice.ts";

const NUM_CLASSES = SEGMENTATION_CLASSES.length;

const { values: args } = parseArgs({
  options: {
    data: {
      type: "string",
      default: fileURLToPath(new URL("../../shared/data/acdc", import.meta.url)),
    },
    epochs: { type: "string", default: "40" },
    size: { type: "string", default: "64" },
    depth: { type: "string", default: "3" },
    filters: { type: "string", default: "16" },
    batch: { type: "string", default: "8" },
    lr: { type: "string", default: "0.001" },
    loss: { type: "string", default: "crossentropy+dice" },
    crop: { type: "string", default: "none" },
    backend: { type: "string", default: "wasm" },
    seed: { type: "string", default: "1" },
    "max-train": { type: "string", default: "0" },
    out: { type: "string", default: "/tmp/acdc_unet.json" },
  },
});

const num = (name: keyof typeof args) => Number(args[name]);
const context = {
  seed: num("seed"),
  workDir: "/tmp",
  log: consoleLogger,
  signal: new AbortController().signal,
};

async function startBackend(name: string): Promise<string> {
  const plugin = backendPlugins.find((p) => p.name === name);
  if (!plugin) throw new Error(`unknown backend ${name}`);
  const instance = await plugin.create({}, context) as { description: string };
  return instance.description;
}

async function loadSlices() {
  const options = acdcH5DatasetPlugin.options.parse({ root: args.data });
  const cohort = await readAcdcH5(options);
  const inSet = (ids: readonly string[]) => {
    const wanted = new Set(ids);
    return cohort.slices.filter((s) => wanted.has(s.patientId));
  };
  const limit = num("max-train");
  const train = inSet(cohort.predefinedSplit!.train);
  return {
    train: limit > 0 ? train.slice(0, limit) : train,
    val: inSet(cohort.predefinedSplit!.val),
  };
}

function prepare(slices: readonly Slice[]) {
  const crop = args.crop as "none" | "center" | "heart";
  const prepared = preprocessSlices(slices, { size: num("size"), crop });
  const inputs = tf.tensor4d(prepared.images, [prepared.count, prepared.size, prepared.size, 1]);
  return { prepared, data: { inputs, targets: labelTensor(prepared) } as TensorDataset };
}

async function evaluate(
  model: tfl.LayersModel,
  val: ReturnType<typeof prepare>,
  slices: readonly Slice[],
): Promise<VolumeDiceReport> {
  const labels = await predictBatched(model, val.data.inputs, 16, (p) => tf.argMax(p, -1));
  return volumeDice(val.prepared, slices, Uint8Array.from(labels));
}

function line(report: EpochReport, dice: VolumeDiceReport, elapsed: number): string {
  const perClass = dice.native.dice.map((d) => d.toFixed(3)).join("/");
  return `epoch ${report.epoch}/${report.epochs} loss ${report.loss.toFixed(4)} ` +
    `train ${report.seconds.toFixed(0)}s total ${(elapsed / 60).toFixed(1)}min | ` +
    `val fg mean Dice per volume: native ${dice.native.foregroundDice.toFixed(4)} ` +
    `(RV/MYO/LV ${perClass}), ${num("size")}px ${dice.prepared.foregroundDice.toFixed(4)}`;
}

async function main() {
  const started = performance.now();
  const device = await startBackend(args.backend!);
  const slices = await loadSlices();
  const train = prepare(slices.train);
  const val = prepare(slices.val);
  const config = {
    ...args,
    device,
    trainSlices: train.prepared.count,
    valSlices: val.prepared.count,
  };
  console.log(`acdc-unet: ${JSON.stringify(config)}`);
  const model = (await unetPlugin.create(
    unetPlugin.options.parse({ depth: num("depth"), filters: num("filters") }),
    context,
  )).build({ inputShape: [num("size"), num("size"), 1], numClasses: NUM_CLASSES });
  const lossFn = segmentationLoss(args.loss as SegmentationLossName);
  const flips = augmentSchema.parse({ flipHorizontal: true, flipVertical: true });
  const history: unknown[] = [];
  await fit(model, train.data, undefined, {
    settings: trainingSchema.parse({
      epochs: num("epochs"),
      batchSize: num("batch"),
      learningRate: num("lr"),
      patience: num("epochs"),
    }),
    seed: context.seed,
    signal: context.signal,
    label: "acdc unet",
    augment: batchAugmenter(flips, "segmentation"),
    loss: (m, inputs, targets, training) =>
      tf.tidy(() =>
        lossFn(
          applySegmenter(m, inputs, training),
          oneHotTargets(targets, NUM_CLASSES) as tf.Tensor4D,
        )
      ),
    onEpoch: async (report) => {
      const dice = await evaluate(model, val, slices.val);
      const elapsed = (performance.now() - started) / 1000;
      console.log(line(report, dice, elapsed));
      const { prepared, native } = dice;
      history.push({ ...report, elapsedSeconds: elapsed, dice: { prepared, native } });
      await Deno.writeTextFile(args.out!, JSON.stringify({ config, history }, null, 1));
    },
  });
}

await main();
