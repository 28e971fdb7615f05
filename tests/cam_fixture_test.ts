/**
 * Every CAM method against pytorch-grad-cam's maps on a tiny fixed CNN
 * (`../shared/fixtures/cam/pytorch_grad_cam.json`): the network is ported to tfjs (PyTorch
 * OIHW conv and (out, in) linear weights, C,H,W flatten order → NHWC), its logits are
 * checked first, then raw maps at the target layer (1e-4 of each map's maximum) and final
 * maps at input size (1e-2) for the predicted class and class 4.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { ClassifierNetwork, TargetClass } from "../core/plugin/plugin.ts";
import type { z } from "zod";
import type { CamPlugin } from "../core/xai/cam_method.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { xaiPlugins } from "../plugins/xai/mod.ts";
import { testContext } from "./backend_parity.ts";

const FIXTURE = new URL("../../shared/fixtures/cam/pytorch_grad_cam.json", import.meta.url);

type Nested = number | Nested[];

interface FixtureCase {
  readonly method: string;
  readonly target: "predicted" | number;
  readonly raw: number[][][];
  readonly final: number[][][];
}

interface Fixture {
  readonly weights: Record<string, Nested>;
  readonly images: number[][][];
  readonly logits: number[][];
  readonly cases: FixtureCase[];
}

/** The fixture, or undefined (with the reason printed by a test) when shared/ is absent. */
async function readFixture(): Promise<Fixture | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(FIXTURE));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    Deno.test("pytorch-grad-cam fixture", () => {
      console.log(`NOT RUN: fixture missing at ${FIXTURE.pathname}; CAM methods not compared`);
    });
    return undefined;
  }
}

const loaded = await readFixture();
await cpuBackendPlugin.create({}, testContext());

/** A PyTorch conv weight `[out][in][kh][kw]` as a tfjs kernel `[kh, kw, in, out]`. */
function convKernel(weight: Nested): tf.Tensor4D {
  return tf.transpose(tf.tensor(weight as number[][][][]), [2, 3, 1, 0]);
}

/**
 * A PyTorch linear weight `[out][in]` as a tfjs kernel `[in, out]`; with `chw`, the input
 * rows are reordered from PyTorch's C,H,W flatten order to tfjs' H,W,C order.
 */
function denseKernel(weight: Nested, chw?: readonly [number, number, number]): tf.Tensor2D {
  const kernel = tf.transpose(tf.tensor2d(weight as number[][]));
  if (!chw) return kernel;
  const [c, h, w] = chw;
  const out = kernel.shape[1];
  return tf.reshape(tf.transpose(tf.reshape(kernel, [c, h, w, out]), [1, 2, 0, 3]), [
    h * w * c,
    out,
  ]);
}

function conv(filters: number, name: string): tfl.layers.Layer {
  return tfl.layers.conv2d({ filters, kernelSize: 3, padding: "same", activation: "relu", name });
}

/** Sets a built layer's weights from fixture tensors, then frees them. */
function load(layer: tfl.layers.Layer, kernel: tf.Tensor, bias: Nested): void {
  const biasTensor = tf.tensor1d(bias as number[]);
  layer.setWeights([kernel, biasTensor]);
  tf.dispose([kernel, biasTensor]);
}

/** The fixture's network; `features` ends at the target layer (conv3 + ReLU, 12×12×8). */
function fixtureNetwork(): ClassifierNetwork {
  const w = fixture.weights;
  const input = tfl.input({ shape: [24, 24, 1] });
  const layers = [conv(4, "c1"), conv(8, "c2"), conv(8, "c3")];
  let x = layers[1].apply(layers[0].apply(input)) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  const features = tfl.model({ inputs: input, outputs: layers[2].apply(x) as tfl.SymbolicTensor });
  const headInput = tfl.input({ shape: [12, 12, 8] });
  const fc1 = tfl.layers.dense({ units: 16, activation: "relu" });
  const fc = tfl.layers.dense({ units: 5 });
  const flat = tfl.layers.flatten().apply(headInput);
  const head = tfl.model({
    inputs: headInput,
    outputs: fc.apply(fc1.apply(flat)) as tfl.SymbolicTensor,
  });
  layers.forEach((layer) =>
    load(layer, convKernel(w[`${layer.name}.weight`]), w[`${layer.name}.bias`])
  );
  load(fc1, denseKernel(w["fc1.weight"], [8, 12, 12]), w["fc1.bias"]);
  load(fc, denseKernel(w["fc.weight"]), w["fc.bias"]);
  const model = tfl.model({
    inputs: input,
    outputs: head.apply(features.outputs[0]) as tfl.SymbolicTensor,
  });
  return { features, head, model };
}

function images(): tf.Tensor4D {
  return tf.expandDims(tf.tensor3d(fixture.images), -1) as tf.Tensor4D;
}

/** Largest `|a − b|` of each map over that reference map's maximum `|b|`. */
function errorRelativeToMax(actual: Float32Array, expected: number[][][]): number {
  const size = expected[0].length * expected[0][0].length;
  return Math.max(...expected.map((map, i) => {
    const reference = map.flat();
    const scale = Math.max(...reference.map(Math.abs));
    const diff = Math.max(...reference.map((v, j) => Math.abs(actual[i * size + j] - v)));
    return scale === 0 ? diff : diff / scale;
  }));
}

function maxAbsError(actual: Float32Array, expected: number[][][]): number {
  const reference = expected.flat(2);
  return Math.max(...reference.map((v, i) => Math.abs(actual[i] - v)));
}

function camPlugin(name: string): CamPlugin<z.ZodType> {
  const plugin = xaiPlugins.find((p) => p.name === name);
  assert.ok(plugin, `no xai plugin ${name}`);
  return plugin as CamPlugin<z.ZodType>;
}

const fixture = loaded ?? { weights: {}, images: [], logits: [], cases: [] };
const network = loaded ? fixtureNetwork() : undefined;

Deno.test(
  { name: "fixture network: the tfjs port gives pytorch's logits", ignore: !loaded },
  async () => {
    const logits = tf.tidy(() => network!.model.predict(images()) as tf.Tensor2D);
    const actual = await logits.data();
    logits.dispose();
    const expected = fixture.logits.flat();
    const scale = Math.max(...expected.map(Math.abs));
    const error = Math.max(...expected.map((v, i) => Math.abs(actual[i] - v))) / scale;
    assert.ok(error < 1e-5, `logits off by ${error} relative`);
  },
);

Deno.test({
  name: "every method matches pytorch-grad-cam: raw to 1e-4 of the max, final to 1e-2",
  ignore: !loaded,
}, async () => {
  const report: string[] = [];
  for (const c of fixture.cases) {
    const plugin = camPlugin(c.method);
    const instance = plugin.create(plugin.options.parse({}));
    const x = images();
    const target: TargetClass = c.target;
    const raw = instance.rawMaps(network!, x, target);
    const final = instance.explain(network!, x, target);
    const rawError = errorRelativeToMax(await raw.data() as Float32Array, c.raw);
    const finalError = maxAbsError(await final.data() as Float32Array, c.final);
    tf.dispose([x, raw, final]);
    report.push(
      `${c.method} ${c.target}: raw ${rawError.toExponential(1)}, final ${
        finalError.toExponential(1)
      }`,
    );
    assert.ok(rawError <= 1e-4, `${c.method} ${c.target}: raw off by ${rawError} of the max`);
    assert.ok(finalError <= 1e-2, `${c.method} ${c.target}: final off by ${finalError}`);
  }
  console.log(report.join("\n"));
});

Deno.test(
  { name: "explain does not grow tf.memory() over repeated calls", ignore: !loaded },
  () => {
    for (const plugin of xaiPlugins) {
      const instance = (plugin as CamPlugin<z.ZodType>).create(plugin.options.parse({}));
      const x = images();
      const run = () =>
        tf.dispose([instance.explain(network!, x, "predicted"), instance.rawMaps(network!, x, 4)]);
      run();
      const before = tf.memory();
      for (let i = 0; i < 3; i++) run();
      const after = tf.memory();
      x.dispose();
      assert.equal(after.numTensors, before.numTensors, `${plugin.name}: tensors grew`);
      assert.equal(after.numBytes, before.numBytes, `${plugin.name}: bytes grew`);
    }
  },
);
