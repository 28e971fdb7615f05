/**
 * Every CAM method on `cpu`, `wasm` and `webgpu` (lavapipe here): final maps agree with
 * `cpu` within 1e-3, and repeated calls leave no tensors behind. The network is a small
 * seeded `tiny-cnn`, rebuilt on each backend from the same seeded initialisers; its
 * gradients at the target layer go through the head only (global average pooling and a
 * dense layer), so max-pool tie-breaking, which differs on wasm, cannot matter.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import { findWebGpuAdapter } from "../plugins/backend/webgpu/adapter.ts";
import type { TargetClass } from "../core/plugin/plugin.ts";
import type { CamPlugin } from "../core/xai/cam_method.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { webgpuBackendPlugin } from "../plugins/backend/webgpu.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { xaiPlugins } from "../plugins/xai/mod.ts";
import { relativeError, seeded, testContext, toTensor } from "./backend_parity.ts";

const TOLERANCE = 1e-3;
const IMAGES = seeded([2, 16, 16, 1], 11);
const TARGETS: readonly TargetClass[] = ["predicted", 2];

/** `method target` → final maps, computed on the active backend. */
type MapsByCase = Map<string, Float32Array>;

/** All methods' maps on the active backend; asserts memory stays flat over a second call. */
async function allMaps(): Promise<MapsByCase> {
  const classifier = await tinyCnnPlugin.create({ filters: 4, blocks: 1 }, testContext());
  const network = classifier.build({ inputShape: [16, 16, 1], numClasses: 3 });
  const images = toTensor(IMAGES) as tf.Tensor4D;
  const maps: MapsByCase = new Map();
  for (const plugin of xaiPlugins as readonly CamPlugin<z.ZodType>[]) {
    const instance = plugin.create(plugin.options.parse({}));
    for (const target of TARGETS) {
      const before = tf.memory().numTensors;
      const final = instance.explain(network, images, target);
      maps.set(`${plugin.name} ${target}`, await final.data() as Float32Array);
      final.dispose();
      assert.equal(tf.memory().numTensors, before, `${plugin.name} ${target}: tensors left`);
    }
  }
  images.dispose();
  network.model.dispose();
  return maps;
}

/** Asserts every map matches the cpu reference; returns the worst absolute error. */
function assertAgrees(actual: MapsByCase, reference: MapsByCase, backend: string): number {
  let worst = 0;
  for (const [key, expected] of reference) {
    const error = relativeError(actual.get(key)!, expected); // maps peak at 1: absolute error
    assert.ok(error <= TOLERANCE, `${backend} ${key}: off by ${error} from cpu`);
    worst = Math.max(worst, error);
  }
  return worst;
}

let reference: MapsByCase | undefined;

async function cpuReference(): Promise<MapsByCase> {
  if (!reference) {
    await cpuBackendPlugin.create({}, testContext());
    reference = await allMaps();
  }
  return reference;
}

Deno.test("cam backends: cpu reference maps are not degenerate", async () => {
  for (const [key, map] of await cpuReference()) {
    assert.ok(Math.max(...map) > 0.99, `${key}: cpu map is all zero`);
  }
});

Deno.test("cam backends: wasm agrees with cpu within 1e-3", async () => {
  const expected = await cpuReference();
  await wasmBackendPlugin.create({}, testContext());
  assert.equal(tf.getBackend(), "wasm");
  const worst = assertAgrees(await allMaps(), expected, "wasm");
  console.log(`wasm vs cpu: worst map error ${worst.toExponential(1)}`);
});

Deno.test("cam backends: webgpu agrees with cpu within 1e-3", async () => {
  const expected = await cpuReference();
  const adapter = await findWebGpuAdapter();
  if (!adapter) {
    console.log(
      "cam backends on webgpu: NOT RUN, this machine has no WebGPU adapter " +
        "(navigator.gpu.requestAdapter() gave none); install mesa-vulkan-drivers for llvmpipe",
    );
    return;
  }
  await webgpuBackendPlugin.create({ kernels: "custom" }, testContext());
  assert.equal(tf.getBackend(), "webgpu");
  const worst = assertAgrees(await allMaps(), expected, "webgpu");
  console.log(
    `webgpu (${adapter.info.description}) vs cpu: worst map error ${worst.toExponential(1)}`,
  );
});
