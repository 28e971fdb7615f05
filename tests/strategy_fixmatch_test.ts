import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { seededRandom } from "../core/util/random.ts";
import { cutMixMasks, mixIn } from "../core/training/photometric.ts";
import { fixmatchOptions, fixmatchStrategy, strongView } from "../plugins/strategy/fixmatch.ts";
import {
  assertFlatMemory,
  hostValues,
  maxDifference,
  runStrategy,
  tinySetup,
  tinySlices,
  useBackend,
} from "./strategy_harness.ts";

await useBackend("wasm");

const strategy = (options = {}) => fixmatchStrategy(fixmatchOptions.parse(options));

Deno.test("fixmatch: the unlabelled pool changes the result; flat memory; deterministic", async () => {
  const withPool = await runStrategy(strategy({ threshold: 0.3 }));
  const without = await runStrategy(strategy({ threshold: 0.3 }), { withPool: false });
  assert.ok(maxDifference(withPool.weights, without.weights) > 1e-4, "pool made no difference");
  assertFlatMemory(withPool);
  assert.deepEqual((await runStrategy(strategy({ threshold: 0.3 }))).weights, withPool.weights);
});

Deno.test("fixmatch: the mask keeps exactly the pixels whose (mixed) confidence reaches the threshold", async () => {
  const setup = tinySetup();
  const model = setup.build(0);
  const data = tinySlices();
  const opts = fixmatchOptions.parse({ threshold: 0.27, cutMix: 1 });
  const view = strongView(model, data.pool, opts, setup, 11);
  // The same confidences, mixed with the same boxes (same seed), by hand.
  const probs = model.predict(data.pool) as tf.Tensor4D;
  const boxes = cutMixMasks(data.pool.shape[0], 16, 16, 1, seededRandom(11));
  const confidence = await hostValues(mixIn(tf.max(probs, -1), boxes));
  const mask = await hostValues(view.mask);
  assert.ok(mask.some((m) => m === 1) && mask.some((m) => m === 0), "threshold not in range");
  confidence.forEach((c, i) => assert.equal(mask[i], c >= 0.27 ? 1 : 0));
  const images = await hostValues(view.images);
  assert.notDeepEqual(images, await hostValues(data.pool), "strong view equals the weak one");
  tf.dispose([view.images, view.target, view.mask, probs, boxes, data.pool]);
  tf.dispose([data.labelled.inputs, data.labelled.targets]);
  model.dispose();
});

Deno.test("fixmatch: with no confident pixel the unlabelled slices teach nothing", async () => {
  const none = await runStrategy(strategy({ threshold: 1 }));
  const supervised = await runStrategy(strategy({ threshold: 1 }), { withPool: false });
  assert.ok(maxDifference(none.weights, supervised.weights) < 1e-5);
});
