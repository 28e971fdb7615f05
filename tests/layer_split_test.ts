import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { ConfigError } from "../core/util/errors.ts";
import { spatialLayers, splitAtLayer } from "../core/xai/layer_split.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { resnetPlugin } from "../plugins/classifier/resnet.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { testContext } from "./backend_parity.ts";

await cpuBackendPlugin.create({}, testContext());

const SPEC = { inputShape: [16, 16, 1], numClasses: 3 } as const;

function images(count: number): tf.Tensor4D {
  return tf.tidy(() =>
    tf.sin(tf.reshape(tf.range(0, count * 256), [count, 16, 16, 1])) as tf.Tensor4D
  );
}

Deno.test("layer split: picks the named layer, and head(features(x)) is the model", async () => {
  const network = (await tinyCnnPlugin.create({ filters: 4, blocks: 2 }, testContext())).build(
    SPEC,
  );
  const layers = spatialLayers(network);
  assert.deepEqual(layers.map((l) => l.shape[0]), [16, 8, 8, 4, 4]);
  assert.equal(layers.at(-1)!.name, "target_conv");
  const x = images(2);
  const expected = network.model.predict(x) as tf.Tensor;
  for (const layer of layers) {
    const split = splitAtLayer(network, layer.name);
    const activations = split.features.apply(x) as tf.Tensor;
    assert.deepEqual(activations.shape.slice(1), [...layer.shape], layer.name);
    const logits = split.head.apply(activations) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(logits, expected)));
    assert.ok((await diff.data())[0] < 1e-5, `${layer.name}: head(features(x)) = model(x)`);
    tf.dispose([activations, logits, diff]);
  }
  tf.dispose([x, expected]);
  network.model.dispose();
});

Deno.test("layer split: depth counts spatial layers from the input, negative from the end", async () => {
  const network = (await tinyCnnPlugin.create({ filters: 4, blocks: 2 }, testContext())).build(
    SPEC,
  );
  const layers = spatialLayers(network);
  const byDepth = (d: number) => splitAtLayer(network, d).features.outputs[0].shape;
  assert.deepEqual(byDepth(1), [null, 16, 16, 4]);
  assert.deepEqual(byDepth(-1), [null, 4, 4, 16]);
  assert.deepEqual(byDepth(-3), [null, ...layers.at(-3)!.shape]);
  assert.throws(() => splitAtLayer(network, 0), ConfigError);
  assert.throws(() => splitAtLayer(network, layers.length + 1), /out of range/);
  assert.throws(() => splitAtLayer(network, "no_such_layer"), /not a spatial layer.*target_conv/);
  network.model.dispose();
});

Deno.test("layer split: a layer inside a residual block is not a cut, the block output is", async () => {
  const network = (await resnetPlugin.create(
    resnetPlugin.options.parse({ width: 4, stages: [1, 1], stem: "small" }),
    testContext(),
  )).build(SPEC);
  const layers = spatialLayers(network);
  const inner = layers.find((l) => l.name.startsWith("conv2d") && l.shape[0] === 8)!;
  assert.throws(() => splitAtLayer(network, inner.name), /does not cut the network/);
  const x = images(1);
  const split = splitAtLayer(network, -1);
  const expected = network.model.predict(x) as tf.Tensor;
  const logits = split.head.apply(split.features.apply(x)) as tf.Tensor;
  const diff = tf.max(tf.abs(tf.sub(logits, expected)));
  assert.ok((await diff.data())[0] < 1e-5);
  tf.dispose([x, expected, logits, diff]);
  network.model.dispose();
});
