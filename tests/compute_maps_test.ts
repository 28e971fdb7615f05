import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { parseExperiment } from "../core/config/experiment.ts";
import { definePlugin } from "../core/plugin/plugin.ts";
import { Registry } from "../core/plugin/registry.ts";
import { storeOf } from "../core/run/run_setup.ts";
import { runExperiment } from "../core/run/runner.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { builtinPlugins } from "../plugins/mod.ts";
import { tinyExperiment } from "./helpers/cli_process.ts";

// Output guards: a CAM method or post-processor that returns NaN fails its step, naming the
// plugin; nothing non-finite is stored as finished, so a re-run does not reuse it.

const nanCam = definePlugin({
  kind: "xai",
  name: "nan-cam",
  description: "test: maps full of NaN",
  version: "1",
  options: z.strictObject({}),
  create: () => ({
    explain: (_network, images) =>
      tf.fill([images.shape[0], images.shape[1], images.shape[2]], NaN),
  }),
});

const nanPost = definePlugin({
  kind: "postprocess",
  name: "nan-post",
  description: "test: NaN in one pixel",
  version: "1",
  options: z.strictObject({}),
  create: () => ({
    apply: (map) => {
      const data = Float32Array.from(map.data);
      data[3] = Infinity;
      return { ...map, data };
    },
  }),
});

/** Whether the step's artifact is finished (has a manifest). */
async function finished(out: string, id: string): Promise<boolean> {
  return await Deno.stat(join(storeOf(out).dir(id), "manifest.json")).then(() => true, () => false);
}

async function runWith(priors: Record<string, unknown>) {
  const registry = new Registry([...builtinPlugins, nanCam, nanPost]);
  const experiment = parseExperiment(
    tinyExperiment({ priors, grid: { channels: ["1Ch+P"], sampleSizes: [100] } }),
    registry,
  );
  const out = await Deno.makeTempDir();
  const summary = await runExperiment(experiment, registry, {
    outDir: out,
    signal: new AbortController().signal,
    log: memoryLogger(),
    progress: silentProgress,
  });
  return { out, summary };
}

Deno.test("an XAI plugin returning NaN maps fails its source step by name; nothing is stored", async () => {
  const { out, summary } = await runWith({ P: { xai: { plugin: "nan-cam" } } });
  const cam = summary.graph.steps.find((s) => s.kind === "source")!;
  assert.ok(!(await finished(out, cam.id)), "no source artifact");
  assert.equal(summary.failed.length, 1);
  assert.match(
    summary.failed[0].error!,
    /xai plugin "nan-cam" returned NaN \(\d+ NaN or infinite values, first in slice 0\); nothing was stored/,
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("a post-processor returning Inf fails its prior step by name; nothing is stored", async () => {
  const { out, summary } = await runWith({ P: { postprocess: [{ plugin: "nan-post" }] } });
  const prior = summary.graph.steps.find((s) => s.kind === "prior")!;
  const cam = summary.graph.steps.find((s) => s.kind === "source")!;
  assert.ok(!(await finished(out, prior.id)), "no prior artifact");
  assert.ok(await finished(out, cam.id), "the cam step is fine");
  assert.match(
    summary.failed[0].error!,
    /post-processor "nan-post" \(step 1 of the chain\) on slice 0 returned Infinity/,
  );
  await Deno.remove(out, { recursive: true });
});
