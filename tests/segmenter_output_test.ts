import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { SegmenterInstance } from "../core/plugin/plugin.ts";
import {
  applySegmenter,
  logitsModel,
  warnIfFusedSoftmax,
} from "../core/steps/segmenter/segmenter_output.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { unetPlugin } from "../plugins/segmenter/unet.ts";
import { tinyUnetPlugin } from "../plugins/segmenter/tiny_unet.ts";
import { testContext } from "./backend_parity.ts";
import { hostValues, pattern, useBackend } from "./model_harness.ts";

await useBackend("wasm");

const spec = { inputShape: [8, 8, 1] as const, numClasses: 4 };

for (const plugin of [unetPlugin, tinyUnetPlugin]) {
  Deno.test(`segmenter output: ${plugin.name} gives logits whose softmax is its output`, async () => {
    const before = tf.memory().numTensors;
    const instance = plugin.create(
      plugin.options.parse({ depth: 1, filters: 2 }),
      testContext(),
    ) as SegmenterInstance;
    const model = instance.build(spec);
    assert.equal(logitsModel(model), logitsModel(model), "the logits model is not cached");
    assert.equal(warnIfFusedSoftmax(model, plugin.name, memoryLogger()), false);
    const x = tf.tensor4d(pattern(64, 2), [1, 8, 8, 1]);
    const out = applySegmenter(model, x, false);
    const direct = model.predict(x) as tf.Tensor;
    assert.ok(out.logits);
    const [a, b] = [await hostValues(out.probs), await hostValues(direct)];
    assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-6));
    tf.dispose([x, out.probs, out.logits, direct]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, "the logits model kept weights alive");
  });
}

Deno.test("segmenter output: a softmax fused into the last convolution gives probabilities only", () => {
  const input = tfl.input({ shape: [...spec.inputShape] });
  const probs = tfl.layers.conv2d({ filters: 4, kernelSize: 1, activation: "softmax" })
    .apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: probs });
  assert.equal(logitsModel(model), null);
  // Training would see probabilities only: the run says so, naming plugin and layer, once.
  const log = memoryLogger();
  assert.equal(warnIfFusedSoftmax(model, "fused-net", log), true);
  assert.equal(warnIfFusedSoftmax(model, "fused-net", log), true);
  assert.equal(log.lines.length, 1);
  assert.match(
    log.lines[0],
    /^warning: segmenter "fused-net": its last layer \(Conv2D ".+"\) applies the softmax itself/,
  );
  const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
  const out = applySegmenter(model, x, true);
  assert.equal(out.logits, undefined);
  assert.deepEqual(out.probs.shape, [1, 8, 8, 4]);
  tf.dispose([x, out.probs]);
  model.dispose();
});
