/**
 * Checkpoints: a tfjs IO handler that writes a model's topology and weights into a folder
 * (`model.json` in the tfjs layers format, `weights.bin` with the raw little-endian
 * values) and reads them back, so a saved model loads with bit-identical weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import "../nn/seeded_dropout.ts";
import { CampriorError } from "../util/errors.ts";
import type { ClassifierNetwork } from "../plugin/plugin.ts";

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = { model: "model.json", weights: "weights.bin" } as const;

function toBuffer(data: tf.io.WeightData | undefined): ArrayBuffer {
  return data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);
}

async function save(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  const topology = artifacts.modelTopology;
  if (!topology || topology instanceof ArrayBuffer) {
    throw new CampriorError("checkpoints hold layers models (JSON topology) only");
  }
  await Deno.mkdir(dir, { recursive: true });
  const weights = toBuffer(artifacts.weightData);
  const json: tf.io.ModelJSON = {
    modelTopology: topology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [CHECKPOINT_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
  };
  await Deno.writeFile(join(dir, CHECKPOINT_FILES.weights), new Uint8Array(weights));
  await Deno.writeTextFile(join(dir, CHECKPOINT_FILES.model), JSON.stringify(json));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function load(dir: string): Promise<tf.io.ModelArtifacts> {
  const path = join(dir, CHECKPOINT_FILES.model);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new CampriorError(`cannot read checkpoint ${path}: ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
  const bytes = await Deno.readFile(join(dir, CHECKPOINT_FILES.weights));
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  };
}

/** An IO handler for `model.save(handler)` and `tfl.loadLayersModel(handler)` on `dir`. */
export function checkpointHandler(dir: string): tf.io.IOHandler {
  return { save: (artifacts) => save(dir, artifacts), load: () => load(dir) };
}

/** Saves `model` (topology and weights) into the folder `dir`, creating it. */
export async function saveCheckpoint(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(checkpointHandler(dir));
}

/** Loads a model saved by {@linkcode saveCheckpoint}. */
export function loadCheckpoint(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(checkpointHandler(dir));
}

/**
 * Loads a classifier saved from `network.model` and splits it again at its Grad-CAM
 * target: the composed model holds the `features` and `head` sub-models as layers.
 */
export async function loadClassifierCheckpoint(dir: string): Promise<ClassifierNetwork> {
  const model = await loadCheckpoint(dir);
  const part = (name: string) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!(layer instanceof tfl.LayersModel)) {
      throw new CampriorError(`checkpoint ${dir} has no "${name}" sub-model`);
    }
    return layer;
  };
  return { features: part("features"), head: part("head"), model };
}
