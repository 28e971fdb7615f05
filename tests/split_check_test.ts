import assert from "node:assert/strict";
import { join } from "node:path";
import { parseExperiment } from "../core/config/experiment.ts";
import { runExperiment } from "../core/run/runner.ts";
import { storeOf } from "../core/run/run_setup.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { withTempDir, writeTrainableH5Layout } from "./acdc_fixtures.ts";
import { runCli, tinyExperiment, writeExperiment } from "./helpers/cli_process.ts";

// Plan-time guards: a split or sample size that leaves a set without patients is an error
// before anything is trained, naming the split, the sample size and the counts.

async function run(out: string, overrides: Record<string, unknown>) {
  const experiment = parseExperiment(tinyExperiment(overrides), builtinRegistry());
  return await runExperiment(experiment, builtinRegistry(), {
    outDir: out,
    signal: new AbortController().signal,
    log: memoryLogger(),
    progress: silentProgress,
  });
}

function finishedKinds(out: string): string[] {
  const names = [...Deno.readDirSync(storeOf(out).root)].map((e) => e.name);
  return names.filter((n) => !n.startsWith(".")).map((n) => n.split("-")[0]).sort();
}

Deno.test("a tiny cohort whose split leaves test and val empty: error before training", async () => {
  const out = await Deno.makeTempDir();
  const tiny = { dataset: { plugin: "tiny", options: { patientsPerGroup: 2, size: 16 } } };
  await assert.rejects(run(out, tiny), (error: Error & { exitCode?: number }) => {
    assert.equal(error.exitCode, 2);
    assert.match(
      error.message,
      /split seed 1: the test set is empty \(train 10, val 0, test 0 of 10 patients; split\.test 0\.2/,
    );
    assert.match(error.message, /split seed 1: the validation set is empty/);
    assert.match(error.message, /nothing was trained/);
    return true;
  });
  assert.deepEqual(finishedKinds(out), ["data", "split"], "nothing trained");
  await Deno.remove(out, { recursive: true });
});

Deno.test("a sample size that leaves a cell without labelled patients: error before training", async () => {
  const out = await Deno.makeTempDir();
  const grid = { grid: { channels: ["1Ch"], sampleSizes: [100, 1] } };
  await assert.rejects(
    run(out, grid),
    /split seed 1, sample size 1%: no labelled training patient \(1% of 10 training patients rounds to none; use at least 5%\)/,
  );
  assert.deepEqual(finishedKinds(out), ["data", "split"], "not even the 100% cell");
  await Deno.remove(out, { recursive: true });
});

Deno.test("acdc-h5 without test.list and few patients: the carved test set is empty", async () => {
  await withTempDir(async (root) => {
    await writeTrainableH5Layout(root, { count: 10 });
    const out = join(root, "out");
    const overrides = {
      dataset: { plugin: "acdc-h5", options: { root } },
      split: { mode: "predefined" },
    };
    await assert.rejects(
      run(out, overrides),
      /split seed 1: the test set is empty \(train 8, val 2, test 0 of 10 patients/,
    );
    // plan says the same once the data and split steps are done.
    const file = await writeExperiment(root, tinyExperiment(overrides));
    const plan = await runCli("plan", file, "--out", out);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stderr, /error: the split leaves a set without patients/);
    assert.match(plan.stderr, /the test set is empty \(train 8, val 2, test 0 of 10 patients/);
  });
});
