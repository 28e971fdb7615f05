/**
 * CAM methods on a hand-built network whose maps are known in closed form: the target layer
 * is the image itself (a 1×1 identity convolution) and the head is global average pooling
 * and a dense layer, so the class score is `Σ_k W[k][c] · mean(A_k) + b_c` and its gradient
 * is `W[k][c] / (h·w)` everywhere. Images are rank one after centring,
 * `A_ijk = p_ij · u_k + d_k`, so EigenCAM's map is `±(p − p̄)·‖u‖`.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { z } from "zod";
import type { ClassifierNetwork, TargetClass } from "../core/plugin/plugin.ts";
import { finalizeMaps } from "../core/xai/cam_base.ts";
import type { CamPlugin } from "../core/xai/cam_method.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { xaiPlugins } from "../plugins/xai/mod.ts";
import { testContext } from "./backend_parity.ts";

await cpuBackendPlugin.create({}, testContext());

const SIDE = 4;
const PIXELS = SIDE * SIDE;
/** Dense kernel `[k][class]` and bias. */
const W = [[0.8, -0.5], [-0.3, 0.9]];
const B = [0.1, -0.2];
/** Per-image pattern `p` (distinct values), loadings `u` and offsets `d`. */
const P = [
  Array.from({ length: PIXELS }, (_, i) => ((i * 7) % PIXELS) / PIXELS + 0.01 * i),
  Array.from({ length: PIXELS }, (_, i) => Math.sin(i + 1) + 0.02 * i),
];
const U = [[0.6, -0.8], [1.5, 0.5]];
const D = [[1.2, 1.5], [0.3, 0.4]];

/** `A[n][pixel][k]`: the images, which are also the target-layer activations. */
const A = P.map((p, n) => p.map((v) => U[n].map((u, k) => v * u + D[n][k])));

/** Identity target layer (1×1 conv) over `[side, side, k]` images; GAP and dense head. */
function network(side: number, kernel: number[][], bias: number[]): ClassifierNetwork {
  const k = kernel.length;
  const input = tfl.input({ shape: [side, side, k] });
  const identity = tfl.layers.conv2d({ filters: k, kernelSize: 1, useBias: false });
  const features = tfl.model({
    inputs: input,
    outputs: identity.apply(input) as tfl.SymbolicTensor,
  });
  identity.setWeights([tf.reshape(tf.eye(k), [1, 1, k, k])]);
  const headInput = tfl.input({ shape: [side, side, k] });
  const dense = tfl.layers.dense({ units: bias.length });
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(headInput);
  const head = tfl.model({ inputs: headInput, outputs: dense.apply(pooled) as tfl.SymbolicTensor });
  dense.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
  const model = tfl.model({
    inputs: input,
    outputs: head.apply(features.outputs[0]) as tfl.SymbolicTensor,
  });
  return { features, head, model };
}

const NETWORK = network(SIDE, W, B);

const relu = (x: number) => Math.max(x, 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const softmax = (xs: number[]) => xs.map((x) => Math.exp(x)).map((e, _, all) => e / sum(all));

/** Class logit of one image given as `[pixel][k]`. */
function logit(image: number[][], c: number): number {
  return sum(W.map((row, k) => row[c] * mean(image.map((px) => px[k])))) + B[c];
}

/** ReLU of `Σ_k weight[k] · A[n]_ijk` per pixel. */
function channelMap(n: number, weights: number[]): number[] {
  return A[n].map((px) => relu(sum(px.map((a, k) => a * weights[k]))));
}

/** Channel sums `Σ_ij A[n]_ijk`. */
const channelSums = (n: number) => [0, 1].map((k) => sum(A[n].map((px) => px[k])));
/** The constant gradient `W[k][c] / (h·w)` of class `c`. */
const gradient = (c: number) => W.map((row) => row[c] / PIXELS);

/** Score-CAM: each channel, min–max scaled, masks the image; softmax of the masked logits. */
function scoreCamWeights(n: number, c: number): number[] {
  const scores = [0, 1].map((j) => {
    const channel = A[n].map((px) => px[j]);
    const low = Math.min(...channel);
    const range = Math.max(...channel) - low + 1e-8;
    return logit(A[n].map((px, i) => px.map((a) => a * (channel[i] - low) / range)), c);
  });
  return softmax(scores);
}

/** EigenCAM: `sign · (p − p̄) · ‖u‖`. */
function eigenMap(n: number, sign: number): number[] {
  const centre = mean(P[n]);
  const norm = Math.hypot(...U[n]);
  return P[n].map((v) => relu(sign * (v - centre) * norm));
}

/** The expected raw map of `method` for image `n` and class `c`. */
function expected(method: string, n: number, c: number): number[] {
  const g = gradient(c);
  const s = channelSums(n);
  switch (method) {
    case "gradcam":
    case "hirescam": // a constant gradient makes HiResCAM equal to Grad-CAM
      return channelMap(n, g);
    case "layercam":
      return channelMap(n, g.map(relu));
    case "xgradcam":
      return channelMap(n, g.map((gk, k) => gk * s[k] / (s[k] + 1e-7)));
    case "gradcam++":
      return channelMap(
        n,
        g.map((gk, k) => relu(gk) * PIXELS * gk ** 2 / (2 * gk ** 2 + s[k] * gk ** 3 + 1e-6)),
      );
    case "scorecam":
      return channelMap(n, scoreCamWeights(n, c));
    case "eigencam": // the largest |u_k| is negative in image 0, positive in image 1
      return eigenMap(n, n === 0 ? 1 : -1);
  }
  throw new Error(`no analytic map for ${method}`);
}

function images(): tf.Tensor4D {
  return tf.tensor4d(A.flat(2), [A.length, SIDE, SIDE, 2]);
}

async function rawMaps(name: string, target: TargetClass, options = {}): Promise<Float32Array> {
  const plugin = xaiPlugins.find((p) => p.name === name) as CamPlugin<z.ZodType>;
  const x = images();
  const maps = plugin.create(plugin.options.parse(options)).rawMaps(NETWORK, x, target);
  const values = await maps.data() as Float32Array;
  tf.dispose([x, maps]);
  return values;
}

function assertClose(actual: ArrayLike<number>, reference: number[], label: string): void {
  const scale = Math.max(...reference.map(Math.abs), 1e-12);
  const error = Math.max(...reference.map((v, i) => Math.abs(actual[i] - v))) / scale;
  assert.ok(
    error < 1e-5,
    `${label}: off by ${error} relative (${Array.from(actual)} vs ${reference})`,
  );
  assert.ok(Math.max(...reference) > 0, `${label}: the analytic map is all zero`);
}

Deno.test("every method gives its closed-form map for per-image classes", async () => {
  const classes = [0, 1];
  for (const plugin of xaiPlugins) {
    const actual = await rawMaps(plugin.name, classes);
    classes.forEach((c, n) => {
      assertClose(
        actual.subarray(n * PIXELS, (n + 1) * PIXELS),
        expected(plugin.name, n, c),
        `${plugin.name} image ${n}`,
      );
    });
  }
});

Deno.test("scorecam batches masked images across images alike", async () => {
  for (const batchSize of [1, 3, 64]) {
    const actual = await rawMaps("scorecam", [1, 0], { batchSize });
    [1, 0].forEach((c, n) => {
      const map = actual.subarray(n * PIXELS, (n + 1) * PIXELS);
      assertClose(map, expected("scorecam", n, c), `batch ${batchSize} image ${n}`);
    });
  }
});

Deno.test("'predicted' explains the arg-max class", async () => {
  const predicted = A.map((image) => logit(image, 1) > logit(image, 0) ? 1 : 0);
  assert.deepEqual(await rawMaps("gradcam", "predicted"), await rawMaps("gradcam", predicted));
});

Deno.test("'all-classes' explains the sum of the class scores", async () => {
  const actual = await rawMaps("gradcam", "all-classes");
  const both = gradient(0).map((g, k) => g + gradient(1)[k]);
  A.forEach((_image, n) => {
    const map = actual.subarray(n * PIXELS, (n + 1) * PIXELS);
    assertClose(map, channelMap(n, both), `image ${n}`);
  });
});

Deno.test("eigencam 'with-activations' sign follows the channel sums", async () => {
  const actual = await rawMaps("eigencam", "predicted", { sign: "with-activations" });
  // Σ_k u_k is negative for image 0 and positive for image 1.
  [-1, 1].forEach((sign, n) => {
    assertClose(actual.subarray(n * PIXELS, (n + 1) * PIXELS), eigenMap(n, sign), `image ${n}`);
  });
});

Deno.test("eigencam with more channels than positions (the h·w Gram side)", async () => {
  const p = [0.1, 0.7, -0.4, 0.25];
  const u = [0.3, -0.2, 0.9, 0.1, -1.1, 0.4];
  const image = p.flatMap((v) => u.map((uk, k) => v * uk + 0.1 * k));
  const x = tf.tensor4d(image, [1, 2, 2, u.length]);
  const net = network(2, u.map(() => [1, -1]), [0, 0]);
  const plugin = xaiPlugins.find((q) => q.name === "eigencam") as CamPlugin<z.ZodType>;
  const maps = plugin.create(plugin.options.parse({})).rawMaps(net, x, 0);
  const centre = mean(p);
  // the largest |u_k| (−1.1) is negative, so the axis is u/‖u‖ itself
  assertClose(await maps.data(), p.map((v) => relu((v - centre) * Math.hypot(...u))), "2×2×6");
  tf.dispose([x, maps]);
});

Deno.test("targets that do not fit the batch are rejected", async () => {
  await assert.rejects(() => rawMaps("gradcam", 2), RangeError);
  await assert.rejects(() => rawMaps("gradcam", [0]), RangeError);
  await assert.rejects(() => rawMaps("gradcam", [0, 0.5]), RangeError);
});

Deno.test("finalizeMaps: half-pixel bilinear upsampling, then min–max scaling", async () => {
  const raw = tf.tensor3d([[[0, 1], [2, 3]]]);
  const final = finalizeMaps(raw, 4, 4);
  const steps = [0, 0.25, 0.75, 1];
  const reference = steps.flatMap((y) => steps.map((x) => (2 * y + x) / 3));
  assertClose(await final.data(), reference, "2×2 → 4×4");
  const flat = finalizeMaps(tf.zeros([1, 2, 2]) as tf.Tensor3D, 3, 3);
  assert.deepEqual(Array.from(await flat.data()), Array(9).fill(0));
  tf.dispose([raw, final, flat]);
});
