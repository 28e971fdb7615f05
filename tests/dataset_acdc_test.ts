import assert from "node:assert/strict";
import { ConfigError, InterruptedError } from "../core/util/errors.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { acdcDatasetPlugin } from "../plugins/dataset/acdc.ts";
import { rejectsWith, withTempDir, writeSmallAcdc } from "./acdc_fixtures.ts";

function context(workDir: string, signal = new AbortController().signal) {
  return { seed: 1, workDir, log: memoryLogger(), signal };
}

Deno.test("dataset_acdc: loads an official-layout folder and logs what it read", async () => {
  await withTempDir(async (dir) => {
    await writeSmallAcdc(dir);
    const ctx = context(dir);
    const options = acdcDatasetPlugin.options.parse({ root: dir });
    const cohort = await (await acdcDatasetPlugin.create(options, ctx)).load();
    assert.equal(cohort.patients.length, 5);
    assert.equal(cohort.slices.length, 30);
    assert.match(ctx.log.lines[0], /\nall(\s+1\/6){5}\s+5\/30\n/);
  });
});

Deno.test("dataset_acdc: without a folder, loading says to pass --data", async () => {
  const loader = await acdcDatasetPlugin.create(
    acdcDatasetPlugin.options.parse({}),
    context("/tmp"),
  );
  await assert.rejects(loader.load(), (e) =>
    e instanceof ConfigError &&
    e.message ===
      "dataset acdc: no data folder given: pass --data <dir> or set dataset.options.root");
});

Deno.test("dataset_acdc: a missing folder is named", async () => {
  const options = acdcDatasetPlugin.options.parse({ root: "/nonexistent/acdc" });
  const loader = await acdcDatasetPlugin.create(options, context("/tmp"));
  await rejectsWith(() => loader.load(), "/nonexistent/acdc: data folder not found");
});

Deno.test("dataset_acdc: Ctrl-C stops the read between patients", async () => {
  await withTempDir(async (dir) => {
    await writeSmallAcdc(dir);
    const abort = new AbortController();
    abort.abort();
    const options = acdcDatasetPlugin.options.parse({ root: dir });
    const loader = await acdcDatasetPlugin.create(options, context(dir, abort.signal));
    await assert.rejects(loader.load(), InterruptedError);
  });
});
