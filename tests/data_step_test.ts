import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir, writeTrainableH5Layout } from "./acdc_fixtures.ts";
import { runCli, tinyExperiment, writeExperiment } from "./helpers/cli_process.ts";

// The data step checks every slice the dataset plugin returns (core/steps/data/slice_guards.ts).

const NAN_PIXELS = 5;

/** A layout where patient003's volume has NaN pixels in its second slice. */
async function layoutWithNaN(root: string): Promise<string> {
  await writeTrainableH5Layout(root, { count: 15 }, (patient, image) => {
    if (patient === 2) image.fill(NaN, 256 + 10, 256 + 10 + NAN_PIXELS);
  });
  return join(root, "h5", "patient003_frame01.h5");
}

function experiment(root: string, invalidSlices?: string) {
  return tinyExperiment({
    dataset: { plugin: "acdc-h5", options: { root } },
    preprocess: { size: 16, ...(invalidSlices ? { invalidSlices } : {}) },
    split: { val: 0.34, test: 0.34 }, // one patient per group in each set
  });
}

Deno.test("data step: NaN pixels in one slice of an h5 volume fail the run, naming file and slice", async () => {
  await withTempDir(async (root) => {
    const volume = await layoutWithNaN(root);
    const file = await writeExperiment(root, experiment(root));
    const result = await runCli("run", file, "--out", join(root, "out"));
    assert.notEqual(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`${volume}: slice 1 \\(patient003 ED\\): ${NAN_PIXELS} of 256 pixels are NaN`),
    );
    assert.match(result.stderr, /set preprocess\.invalidSlices to "drop"/);
  });
});

Deno.test("data step: invalidSlices drop leaves the slice out and counts it in the cohort summary", async () => {
  await withTempDir(async (root) => {
    const volume = await layoutWithNaN(root);
    const out = join(root, "out");
    const file = await writeExperiment(root, experiment(root, "drop"));
    const result = await runCli("run", file, "--out", out);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /1 slices failed the data checks and were dropped/);
    assert.match(result.stderr, /\ndropped\s+0\/0\s+0\/0\s+1\/1\s+0\/0\s+0\/0\s+1\/1\n/);
    assert.match(result.stderr, /15 patients, 29 slices in all; 1 slices dropped/);
    const logs = [...Deno.readDirSync(join(out, "logs"))].map((e) => e.name);
    const log = await Deno.readTextFile(
      join(out, "logs", logs.find((n) => n.startsWith("data-"))!),
    );
    assert.match(
      log,
      new RegExp(`dropped ${volume}: slice 1 \\(patient003 ED\\): ${NAN_PIXELS} of 256`),
    );
  });
});

Deno.test("run: a failed data step exits 1 with its error and log, and no empty table or report", async () => {
  await withTempDir(async (root) => {
    const volume = await layoutWithNaN(root);
    const out = join(root, "out");
    const file = await writeExperiment(root, experiment(root));
    const result = await runCli("run", file, "--out", out);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /error: no grid cell finished; 1 step\(s\) failed:\n {2}data acdc-h5: /,
    );
    assert.match(result.stderr, new RegExp(`${volume}: slice 1`));
    assert.match(result.stderr, new RegExp(`\\(log: ${out}/logs/data-[0-9a-f]+\\.log\\)`));
    assert.doesNotMatch(result.stdout, /sample size|\| — |report:/);
    assert.doesNotMatch(result.stderr, /report:/);
    assert.ok(!(await Deno.stat(join(out, "report")).catch(() => undefined)), "no report folder");
  });
});
