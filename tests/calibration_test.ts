import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { Calibration, calibrationCachePath, type Probe } from "../core/estimate/calibration.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const context = {
  seed: 1,
  workDir: "/tmp",
  log: memoryLogger(),
  signal: new AbortController().signal,
};

const segmenter = { plugin: "tiny-unet", version: "1", options: { depth: 1, filters: 4 } };
const train: Probe = {
  what: "train",
  kind: "segmenter",
  network: segmenter,
  inputShape: [16, 16, 2],
  numClasses: 4,
  batch: 4,
};

Deno.test("calibration measures on the active backend, caches per machine and backend", async () => {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  const path = join(dir, "calibration.json");
  const registry = builtinRegistry();
  const tensors = tf.memory().numTensors;

  const first = await Calibration.open("cpu", path);
  assert.equal(first.cached(train), undefined);
  const seconds = await first.seconds(train, registry, context);
  assert.ok(seconds > 0 && seconds < 60, `${seconds}`);
  const infer = await first.seconds({ ...train, what: "infer" }, registry, context);
  assert.ok(infer > 0);
  const chain = await first.seconds(
    {
      what: "postprocess",
      chain: [{ plugin: "mode-filter", version: "1", options: { size: 3 } }],
      size: 16,
    },
    registry,
    context,
  );
  assert.ok(chain > 0);
  assert.equal(first.measured.length, 3);
  assert.equal(tf.memory().numTensors, tensors, "calibration disposes its tensors");

  const again = await Calibration.open("cpu", path);
  assert.equal(again.cached(train)?.seconds, seconds);
  assert.equal(await again.seconds(train, registry, context), seconds);
  assert.equal(again.measured.length, 0, "a cached timing is not measured again");
  assert.equal((await Calibration.open("wasm", path)).cached(train), undefined, "per backend");
  await again.seconds(train, registry, context, true);
  assert.equal(again.measured.length, 1, "fresh measures again");
  const file = JSON.parse(await Deno.readTextFile(path));
  assert.match(
    Object.values(file.entries).map((e) => (e as { probe: string }).probe).join("\n"),
    /train segmenter tiny-unet 16×16×2 batch 4/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the calibration cache lives in $CAMPRIOR_CACHE, else ~/.cache/camprior", () => {
  const before = Deno.env.get("CAMPRIOR_CACHE");
  Deno.env.set("CAMPRIOR_CACHE", "/x/y");
  assert.equal(calibrationCachePath(), "/x/y/calibration.json");
  Deno.env.delete("CAMPRIOR_CACHE");
  assert.match(calibrationCachePath(), /\/camprior\/calibration\.json$/);
  if (before !== undefined) Deno.env.set("CAMPRIOR_CACHE", before);
});
