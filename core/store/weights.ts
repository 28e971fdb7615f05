/**
 * Saving and loading a model's weights as raw float32 plus their shapes. The network is
 * rebuilt by its plugin from the same options and seed, then given these weights, which
 * restores it bit-identically whatever its structure (nested feature/head models too).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { readFloat32, writeArray } from "./artifact_store.ts";

/** Writes `weights.bin` and `weights.json` into `dir`. */
export async function saveWeights(model: tfl.LayersModel, dir: string): Promise<void> {
  const weights = model.getWeights();
  const values = await Promise.all(weights.map((w) => w.data() as Promise<Float32Array>));
  const total = values.reduce((n, v) => n + v.length, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const v of values) {
    flat.set(v, offset);
    offset += v.length;
  }
  await writeArray(join(dir, "weights.bin"), flat);
  await Deno.writeTextFile(join(dir, "weights.json"), JSON.stringify(weights.map((w) => w.shape)));
}

/** Loads weights saved by {@linkcode saveWeights} into a model of the same structure. */
export async function loadWeights(model: tfl.LayersModel, dir: string): Promise<void> {
  const shapes: number[][] = JSON.parse(await Deno.readTextFile(join(dir, "weights.json")));
  const flat = await readFloat32(join(dir, "weights.bin"));
  const expected = model.getWeights().map((w) => w.shape);
  if (JSON.stringify(expected) !== JSON.stringify(shapes)) {
    throw new Error(`weights in ${dir} do not fit the model (shapes differ)`);
  }
  let offset = 0;
  const tensors = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.subarray(offset, offset + size), shape);
    offset += size;
    return t;
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}
