import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type { NetworkSpec, SegmenterInstance } from "../core/plugin/plugin.ts";
import type { BatchLoss } from "../core/training/fit.ts";
import { oneHotTargets, segmentationLoss } from "../core/training/losses.ts";
import { applySegmenter } from "../core/steps/segmenter/segmenter_output.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { testContext } from "./backend_parity.ts";
import {
  assertDecreasing,
  hostValues,
  overfit,
  pattern,
  presentBackends,
  useBackend,
} from "./model_harness.ts";

const CLASSES = 4;
const SMALL = { depth: 2, filters: 4 };

function unet(options: Record<string, unknown>, spec: NetworkSpec) {
  const instance = unetPlugin.create(
    unetPlugin.options.parse(options),
    testContext(),
  ) as SegmenterInstance;
  return instance.build(spec);
}

const spec = (size: number, channels: number): NetworkSpec => ({
  inputShape: [size, size, channels],
  numClasses: CLASSES,
});

/** Images whose pixel class is the quartile of the first channel's intensity. */
function intensityClasses(count: number, size: number, channels: number) {
  const images = pattern(count * size * size * channels, 3);
  const labels = Int32Array.from(
    { length: count * size * size },
    (_, i) => Math.floor(images[i * channels] * CLASSES),
  );
  return {
    inputs: tf.tensor4d(images, [count, size, size, channels]),
    targets: tf.tensor3d(labels, [count, size, size], "int32"),
  };
}

const loss = segmentationLoss("crossentropy+dice");
const batchLoss: BatchLoss = (model, inputs, targets, training) =>
  tf.tidy(() =>
    loss(
      applySegmenter(model, inputs, training),
      oneHotTargets(targets, CLASSES) as tf.Tensor4D,
    )
  );

Deno.test("unet: builds for 1–5 channels, depths 1–3, both upsamplings; softmax output", async () => {
  await useBackend("wasm");
  const variants = [
    { depth: 1, filters: 2, upsampling: "nearest" },
    { depth: 3, filters: 2, batchNorm: true, dropout: 0.5 },
  ];
  for (let channels = 1; channels <= 5; channels++) {
    for (const options of variants) {
      const model = unet(options, spec(16, channels));
      const x = tf.ones([2, 16, 16, channels]);
      const probs = model.predict(x) as tf.Tensor;
      assert.deepEqual(probs.shape, [2, 16, 16, CLASSES]);
      const sums = await hostValues(tf.tidy(() => tf.sum(probs, -1)));
      assert.ok(sums.every((s) => Math.abs(s - 1) < 1e-5), "probabilities do not sum to 1");
      tf.dispose([x, probs]);
      model.dispose();
    }
  }
});

Deno.test("unet: the same seed builds the same weights", async () => {
  await useBackend("wasm");
  const [a, b] = [unet(SMALL, spec(8, 1)), unet(SMALL, spec(8, 1))];
  const values = (m: typeof a) => Promise.all(m.getWeights().map(hostValues));
  assert.deepEqual(await values(a), await values(b));
  a.dispose();
  b.dispose();
});

const STEPS: Record<string, number> = { cpu: 3, wasm: 6, webgpu: 3 };

for (const backend of await presentBackends()) {
  Deno.test(`unet: overfits a tiny batch on ${backend}`, async () => {
    await useBackend(backend);
    const losses = await overfit(
      () => unet({ ...SMALL, batchNorm: backend !== "cpu" }, spec(16, 2)),
      () => intensityClasses(backend === "cpu" ? 2 : 4, 16, 2),
      batchLoss,
      STEPS[backend],
      0.02,
    );
    assertDecreasing(losses, 0.003, `unet on ${backend}`);
  });
}

Deno.test("unet: training with dropout is deterministic for a seed", async () => {
  await useBackend("wasm");
  const run = () =>
    overfit(
      () => unet({ ...SMALL, dropout: 0.3 }, spec(8, 1)),
      () => intensityClasses(2, 8, 1),
      batchLoss,
      3,
    );
  assert.deepEqual(await run(), await run());
});
