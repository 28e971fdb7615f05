import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { deriveSeed, seededRandom } from "../core/util/random.ts";
import { cutMixMasks, mixIn } from "../core/training/photometric.ts";
import { fixmatchOptions, fixmatchStrategy, strongViews } from "../plugins/strategy/fixmatch.ts";
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
  const [view] = strongViews(model, data.pool, opts, setup, 11);
  // The same confidences, mixed with the same boxes (same seed), by hand.
  const probs = model.predict(data.pool) as tf.Tensor4D;
  const boxes = cutMixMasks(
    data.pool.shape[0],
    16,
    16,
    1,
    seededRandom(deriveSeed(11, "strong view 0")),
  );
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

Deno.test("fixmatch: two strong views differ; an EMA teacher labels and is evaluated", async () => {
  const setup = tinySetup();
  const model = setup.build(0);
  const data = tinySlices();
  const opts = fixmatchOptions.parse({ views: 2, threshold: 0.3 });
  const views = strongViews(model, data.pool, opts, setup, 3);
  assert.equal(views.length, 2);
  assert.notDeepEqual(await hostValues(views[0].images), await hostValues(views[1].images));
  tf.dispose([...views.flatMap((v) => [v.images, v.target, v.mask]), data.pool]);
  tf.dispose([data.labelled.inputs, data.labelled.targets]);
  model.dispose();
  const ema = await runStrategy(strategy({ threshold: 0.3, ema: 0.9, views: 2 }));
  assertFlatMemory(ema);
  const plain = await runStrategy(strategy({ threshold: 0.3, views: 2 }));
  assert.ok(maxDifference(ema.weights, plain.weights) > 1e-4, "the EMA teacher changed nothing");
  const started = fixmatchStrategy(fixmatchOptions.parse({ ema: 0.9 })).start(setup);
  assert.equal(started.networks.length, 2);
  assert.equal(started.model, started.networks[1]);
  started.dispose();
  started.model.dispose();
});
