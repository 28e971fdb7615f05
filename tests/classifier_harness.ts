/**
 * The tests every classifier plugin gets (not a test itself): builds for 1–5 input
 * channels, the features/head split, a configurable Grad-CAM target, an overfit run on
 * each backend present, and seeded determinism with dropout.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { CampriorError } from "../core/util/errors.ts";
import type {
  ClassifierInstance,
  ClassifierNetwork,
  NetworkSpec,
  Plugin,
} from "../core/plugin/plugin.ts";
import type { BatchLoss } from "../core/training/fit.ts";
import { classificationCrossEntropy, oneHotTargets } from "../core/training/losses.ts";
import { testContext } from "./backend_parity.ts";
import {
  assertDecreasing,
  hostValues,
  overfit,
  presentBackends,
  quadrantBatch,
  useBackend,
} from "./model_harness.ts";

const CLASSES = 5;
const SIZE = 16;

// deno-lint-ignore no-explicit-any -- each classifier plugin has its own option schema
type ClassifierPlugin = Plugin<"classifier", any>;

function network(plugin: ClassifierPlugin, options: Record<string, unknown>, spec: NetworkSpec) {
  const instance = plugin.create(
    plugin.options.parse(options),
    testContext(),
  ) as ClassifierInstance;
  return instance.build(spec);
}

const specOf = (channels: number, size = SIZE): NetworkSpec => ({
  inputShape: [size, size, channels],
  numClasses: CLASSES,
});

/** Steps of the overfit test per backend: the `cpu` backend's convolution gradients are slow. */
const STEPS: Record<string, number> = { cpu: 4, wasm: 6, webgpu: 3 };

/** Side of the overfit images. */
const OVERFIT_SIZE = 8;

const crossEntropy: BatchLoss = (model, inputs, targets, training) =>
  tf.tidy(() =>
    classificationCrossEntropy(
      model.apply(inputs, { training }) as tf.Tensor2D,
      oneHotTargets(targets, CLASSES) as tf.Tensor2D,
    )
  );

function quadrantData(channels: number, count = 2 * CLASSES) {
  const { images, labels } = quadrantBatch(count, OVERFIT_SIZE, channels, CLASSES);
  return {
    inputs: tf.tensor4d(images, [count, OVERFIT_SIZE, OVERFIT_SIZE, channels]),
    targets: tf.tensor1d(labels, "int32"),
  };
}

function disposeNetwork(net: ClassifierNetwork): void {
  net.model.dispose();
}

/** Registers the shared classifier tests for `plugin` with small `options`. */
export async function classifierTests(
  plugin: ClassifierPlugin,
  options: Record<string, unknown>,
  blocks: number,
): Promise<void> {
  const name = plugin.name;
  Deno.test(`${name}: builds for 1–5 channels; model(x) = head(features(x))`, async () => {
    await useBackend("cpu");
    for (let channels = 1; channels <= 5; channels++) {
      const net = network(plugin, options, specOf(channels));
      const x = tf.tensor4d(quadrantBatch(2, SIZE, channels, CLASSES).images, [
        2,
        SIZE,
        SIZE,
        channels,
      ]);
      const logits = net.model.predict(x) as tf.Tensor;
      const viaSplit = tf.tidy(() => net.head.predict(net.features.predict(x) as tf.Tensor));
      assert.deepEqual(logits.shape, [2, CLASSES]);
      assert.equal(net.features.outputs[0].shape.length, 4, "target layer is not a 4-D map");
      assert.deepEqual(await hostValues(logits), await hostValues(viaSplit as tf.Tensor));
      tf.dispose([x, logits, viaSplit]);
      disposeNetwork(net);
    }
  });

  Deno.test(`${name}: the Grad-CAM target block is configurable`, async () => {
    await useBackend("cpu");
    const first = network(plugin, { ...options, target: 1 }, specOf(1));
    const last = network(plugin, options, specOf(1));
    const side = (net: ClassifierNetwork) => net.features.outputs[0].shape[1]!;
    assert.ok(side(first) > side(last), `block 1 map ${side(first)} ≤ last ${side(last)}`);
    [first, last].forEach(disposeNetwork);
    assert.throws(
      () => network(plugin, { ...options, target: blocks + 1 }, specOf(1)),
      (e) => e instanceof CampriorError && /target block/.test(e.message),
    );
  });

  for (const backend of await presentBackends()) {
    Deno.test(`${name}: overfits a tiny batch on ${backend}`, async () => {
      await useBackend(backend);
      const losses = await overfit(
        () => network(plugin, options, specOf(2, OVERFIT_SIZE)).model,
        () => quadrantData(2, backend === "cpu" ? CLASSES : 2 * CLASSES),
        crossEntropy,
        STEPS[backend],
      );
      assertDecreasing(losses, 0.005, `${name} on ${backend}`);
    });
  }

  Deno.test(`${name}: training with dropout is deterministic for a seed`, async () => {
    await useBackend("wasm");
    const run = () =>
      overfit(
        () => network(plugin, { ...options, dropout: 0.25 }, specOf(1, OVERFIT_SIZE)).model,
        () => quadrantData(1),
        crossEntropy,
        3,
      );
    assert.deepEqual(await run(), await run());
  });
}
