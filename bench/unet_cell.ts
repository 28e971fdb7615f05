/**
 * One U-Net cell, run in its own process by `deno task bench --only cell` (or directly):
 * the `unet` segmenter (4 resolution levels, 16 base filters) trained on the embedded
 * synthetic cohort with an image and a prior channel (a fixed centred Gaussian standing in
 * for a CAM), batch 8, Adam, cross-entropy + soft IoU, through the project's `fit`. After
 * every epoch it records the process's memory (RSS, V8 heap after a garbage collection when
 * `gc` is exposed, the wasm heap, tfjs' tensor count); at the end it prints one JSON line
 * with those and the peak RSS (`VmHWM`).
 *
 * ```sh
 * deno run -A --v8-flags=--expose-gc bench/unet_cell.ts --size 128 --epochs 5
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { parseArgs } from "node:util";
import { SEGMENTATION_CLASSES } from "../core/plugin/cohort.ts";
import { trainingSchema } from "../core/config/experiment_schema.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { preprocessSlices } from "../core/steps/data/preprocess.ts";
import { inputTensor, labelTensor } from "../core/steps/data/inputs.ts";
import { fit } from "../core/training/fit.ts";
import { oneHotTargets, segmentationLoss } from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { syntheticDatasetPlugin } from "../plugins/dataset/synthetic.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";

const CLASSES = SEGMENTATION_CLASSES.length;

/** Memory of this process after one epoch. */
export interface EpochMemory {
  readonly epoch: number;
  readonly seconds: number;
  readonly loss: number;
  readonly rssBytes: number;
  readonly v8HeapBytes: number;
  /** Bytes the wasm backend's heap has grown to (it never shrinks). */
  readonly wasmHeapBytes?: number;
  readonly numTensors: number;
  readonly tensorBytes: number;
}

/** A `kB` field of `/proc/self/status` in bytes, if present. */
function statusBytes(field: string): number | undefined {
  try {
    const line = Deno.readTextFileSync("/proc/self/status").split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
}

/** A centred Gaussian per slice, the stand-in prior channel. */
function centredPrior(count: number, size: number): Float32Array {
  const map = new Float32Array(size * size);
  const sigma = size / 6;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r2 = (y - size / 2) ** 2 + (x - size / 2) ** 2;
      map[y * size + x] = Math.exp(-r2 / (2 * sigma * sigma));
    }
  }
  const all = new Float32Array(count * size * size);
  for (let i = 0; i < count; i++) all.set(map, i * size * size);
  return all;
}

async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string", default: "128" },
      epochs: { type: "string", default: "5" },
      batch: { type: "string", default: "8" },
      backend: { type: "string", default: "wasm" },
      "patients-per-group": { type: "string", default: "2" },
    },
  });
  const [size, epochs, batch] = [values.size, values.epochs, values.batch].map(Number);
  const workDir = await Deno.makeTempDir({ prefix: "camprior-cell-" });
  const ctx = { seed: 1, workDir, log: memoryLogger(), signal: new AbortController().signal };
  try {
    const plugin = backendPlugins.find((p) => p.name === values.backend);
    if (!plugin) throw new Error(`unknown backend "${values.backend}"`);
    const backend = await plugin.create({}, ctx) as { description: string };
    const dataset = await syntheticDatasetPlugin.create(
      syntheticDatasetPlugin.options.parse({
        patientsPerGroup: Number(values["patients-per-group"]),
      }),
      ctx,
    );
    const cohort = await dataset.load();
    const prepared = preprocessSlices(cohort.slices, { size, crop: "none" });
    const priors = new Map([["prior", centredPrior(prepared.count, size)]]);
    const data = {
      inputs: inputTensor(prepared, ["image", "prior"], priors),
      targets: labelTensor(prepared),
    };
    const segmenter = await unetPlugin.create(
      unetPlugin.options.parse({ depth: 3, filters: 16 }),
      ctx,
    );
    const model = segmenter.build({ inputShape: [size, size, 2], numClasses: CLASSES });
    const lossFn = segmentationLoss("crossentropy+iou");
    const memory: EpochMemory[] = [];
    await fit(model, data, undefined, {
      settings: trainingSchema.parse({ epochs, batchSize: batch, patience: epochs }),
      seed: 1,
      signal: ctx.signal,
      label: "unet cell",
      loss: (m, inputs, targets, training) =>
        tf.tidy(() =>
          lossFn(
            applySegmenter(m, inputs, training),
            oneHotTargets(targets, CLASSES) as tf.Tensor4D,
          )
        ),
      onEpoch: (report) => {
        // With --v8-flags=--expose-gc (as cell.ts runs it), what V8 keeps after a collection.
        (globalThis as { gc?: () => void }).gc?.();
        const usage = Deno.memoryUsage();
        memory.push({
          epoch: report.epoch,
          seconds: report.seconds,
          loss: report.loss,
          rssBytes: usage.rss,
          v8HeapBytes: usage.heapUsed,
          wasmHeapBytes: wasmHeapBytes(),
          numTensors: tf.memory().numTensors,
          tensorBytes: tf.memory().numBytes,
        });
      },
    });
    model.dispose();
    tf.dispose([data.inputs, data.targets]);
    console.log(JSON.stringify({
      backend: backend.description,
      size,
      batch,
      slices: prepared.count,
      epochs: memory,
      peakRssBytes: statusBytes("VmHWM"),
    }));
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
