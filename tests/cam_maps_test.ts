import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import type { SliceMeta } from "../core/steps/data/prepared.ts";
import { camMapOptions, camMaps, fuseMaps } from "../core/xai/cam_maps.ts";
import { splitAtLayer } from "../core/xai/layer_split.ts";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import { tinyCnnPlugin } from "../plugins/classifier/tiny_cnn.ts";
import { layercamPlugin } from "../plugins/xai/layercam.ts";
import { testContext } from "./backend_parity.ts";

await cpuBackendPlugin.create({}, testContext());

const SIZE = 16, COUNT = 5, PIXELS = SIZE * SIZE;
const images = Float32Array.from(
  { length: COUNT * PIXELS },
  (_, i) => (Math.sin(i * 0.37) + 1) / 2,
);
const meta: SliceMeta[] = Array.from({ length: COUNT }, (_, i) => ({
  patientId: `p${i}`,
  group: "NOR",
  phase: "ED",
  sliceIndex: 0,
}));
const slices = { size: SIZE, count: COUNT, images, labels: new Uint8Array(images.length), meta };
const inputs = (which: readonly number[]) =>
  tf.tensor4d(
    which.flatMap((i) => Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS))),
    [which.length, SIZE, SIZE, 1],
  );

async function network(seed: number) {
  const plugin = await tinyCnnPlugin.create({ filters: 4, blocks: 2 }, { ...testContext(), seed });
  return plugin.build({ inputShape: [SIZE, SIZE, 1], numClasses: 2 });
}

Deno.test("camMaps: each group's network explains its own slices, at the chosen layer", async () => {
  const [a, b] = [await network(1), await network(2)];
  const xai = layercamPlugin.create({});
  const groups = [{ network: a, slices: [0, 3] }, { network: b, slices: [1, 2, 4] }];
  const options = camMapOptions.parse({ layer: 2, batchSize: 2 });
  const maps = await camMaps({
    slices,
    classifier: { groups, inputs, xai },
    signal: new AbortController().signal,
  }, options);
  for (const { network: net, slices: which } of groups) {
    const x = inputs(which);
    const direct = xai.explain(splitAtLayer(net, 2), x, "predicted");
    const values = await direct.data();
    which.forEach((slice, k) =>
      assert.deepEqual(
        Array.from(maps.subarray(slice * PIXELS, (slice + 1) * PIXELS)),
        Array.from(values.subarray(k * PIXELS, (k + 1) * PIXELS)),
        `slice ${slice}`,
      )
    );
    tf.dispose([x, direct]);
  }
  a.model.dispose();
  b.model.dispose();
});

Deno.test("fuseMaps: the mean of the maps, each image scaled to [0, 1] again", async () => {
  const first = tf.tensor3d([[[0, 1], [0.5, 0.5]]]);
  const second = tf.tensor3d([[[0, 0], [1, 0.5]]]);
  const fused = fuseMaps([first, second]);
  // mean [[0, 0.5], [0.75, 0.5]] → / 0.75
  const expected = [0, 2 / 3, 1, 2 / 3];
  Array.from(await fused.data()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6));
  const single = fuseMaps([first]);
  assert.deepEqual(Array.from(await single.data()), [0, 1, 0.5, 0.5]);
  tf.dispose([first, second, fused, single]);
});

Deno.test("camMaps: a CAM prior without a classifier is a configuration error", async () => {
  await assert.rejects(
    camMaps({ slices, signal: new AbortController().signal }, camMapOptions.parse({})),
    /needs a classifier/,
  );
});
