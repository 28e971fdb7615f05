import assert from "node:assert/strict";
import { join } from "node:path";
import { openStoredRun } from "../core/apply/stored_run.ts";
import { readInputVolumes } from "../core/apply/input_volumes.ts";
import { predictVolumes } from "../core/apply/predict.ts";
import { findCell } from "../core/apply/stored_run.ts";
import { encodeNifti, NIFTI_TYPES, readNifti } from "../core/io/nifti.ts";
import { loadData } from "../core/steps/data/data_step.ts";
import { loadSplit } from "../core/steps/split/split_step.ts";
import { loadPredictions } from "../core/steps/segmenter/segmenter_step.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { cliInProcess } from "./helpers/cli_in_process.ts";
import { syntheticCohortFolder } from "./helpers/synthetic_cohort.ts";

const FILE = new URL("./fixtures/cli_synthetic.json", import.meta.url).pathname;

Deno.test("predict: NIfTI labels in the source geometry, as the cell predicted its test slices", async () => {
  const out = await Deno.makeTempDir();
  const labels = await Deno.makeTempDir();
  try {
    const run = await cliInProcess("run", FILE, "--out", out);
    assert.equal(run.code, 0, run.stderr);
    const stored = await openStoredRun(out, builtinRegistry(), memoryLogger());
    const cell = await findCell(stored, "1Ch+CAM*@100%/seed1");
    const dataId = stored.graph.steps.find((s) => s.kind === "data")!.id;
    const data = await loadData(stored.env, dataId);
    const split = await loadSplit(stored.env, cell.settings.split);
    const patient = split.test[0];
    const input = join(await syntheticCohortFolder(out), patient);

    const result = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM*@100%/seed1",
      "--input",
      input,
      "--output",
      labels,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`${patient}_frame01\\.nii\\.gz → .*${patient}_frame01\\.nii\\.gz`),
    );

    // Same preprocessing, same priors, same network: the cell's own test predictions.
    const volumes = await readInputVolumes(input);
    assert.deepEqual(volumes.map((v) => v.slices[0].phase), ["ED", "ES"]);
    const written = await predictVolumes(stored, cell, volumes, labels);
    const pixels = data.prepared.size ** 2;
    const testIds = new Set(split.test);
    const testMeta = data.prepared.meta.filter((m) => testIds.has(m.patientId));
    const storedPredictions = await loadPredictions(stored.env, cell.id);
    const mine = testMeta.flatMap((m, i) => m.patientId === patient ? [i] : []);
    const expected = mine.flatMap((
      i,
    ) => [...storedPredictions.subarray(i * pixels, (i + 1) * pixels)]);
    const predicted = written.flatMap((w) => [...w.predicted]);
    assert.deepEqual(predicted, expected);

    // The written files: the input's dims and geometry, uint8 labels that read back unchanged.
    for (const w of written) {
      const source = await readNifti(w.input);
      const back = await readNifti(w.output);
      assert.deepEqual(back.dims, source.dims);
      assert.deepEqual(back.geometry, source.geometry);
      assert.equal(back.datatype, NIFTI_TYPES.uint8);
      assert.deepEqual([...back.data], [...w.labels]);
      assert.ok(back.data.every((v) => v >= 0 && v <= 3));
    }
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(labels, { recursive: true });
  }
});

Deno.test("predict: an oblique scan keeps its qform, sform and spacing; bad calls are named", async () => {
  const out = await Deno.makeTempDir();
  const scratch = await Deno.makeTempDir();
  try {
    const run = await cliInProcess("run", FILE, "--out", out);
    assert.equal(run.code, 0, run.stderr);
    const source = await readNifti(
      join(await syntheticCohortFolder(out), "patient001", "patient001_frame01.nii.gz"),
    );
    const geometry = {
      spacing: [1.4, 1.4, 8] as const,
      xyztUnits: 2,
      qformCode: 1,
      sformCode: 1,
      quatern: [0.1, -0.2, 0.3] as const,
      qoffset: [-120.5, 33.25, 7] as const,
      qfac: -1,
      affine: [[1.3, 0.1, 0, -120.5], [0.2, 1.35, 0.4, 33.25], [0, -0.3, 7.9, 7], [0, 0, 0, 1]],
    };
    const scan = join(scratch, "oblique.nii");
    await Deno.writeFile(
      scan,
      encodeNifti(
        { dims: source.dims, data: source.data, geometry, datatype: NIFTI_TYPES.float32 },
        false,
      ),
    );
    const labels = join(scratch, "labels");
    const result = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM*@100%",
      "--input",
      scan,
      "--output",
      labels,
    );
    assert.equal(result.code, 0, result.stderr);
    const back = await readNifti(join(labels, "oblique.nii.gz"));
    assert.deepEqual(back.dims, source.dims);
    assert.deepEqual(back.geometry.quatern.map((v) => v.toFixed(5)), [
      "0.10000",
      "-0.20000",
      "0.30000",
    ]);
    assert.deepEqual(back.geometry.qoffset, [-120.5, 33.25, 7]);
    assert.equal(back.geometry.qfac, -1);
    assert.deepEqual(back.geometry.spacing.map((v) => Number(v.toFixed(5))), [1.4, 1.4, 8]);
    assert.deepEqual(
      back.geometry.affine.flat().map((v) => Number(v.toFixed(4))),
      geometry.affine.flat(),
    );

    const typo = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM@100%/seed1",
      "--input",
      scan,
      "--output",
      labels,
    );
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no such cell \(did you mean "1Ch\+CAM\*@100%\/seed1"\?\)/);
    const missing = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM*@100%",
      "--output",
      labels,
    );
    assert.match(missing.stderr, /predict: --input is required/);
    const emptyDir = join(scratch, "empty");
    await Deno.mkdir(emptyDir);
    const empty = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM*@100%",
      "--input",
      emptyDir,
      "--output",
      scratch,
    );
    assert.match(empty.stderr, /no NIfTI images/);
    const clobber = await cliInProcess(
      "predict",
      out,
      "--cell",
      "1Ch+CAM*@100%",
      "--input",
      labels,
      "--output",
      labels,
    );
    assert.match(clobber.stderr, /would overwrite the input/);
    const nowhere = await cliInProcess(
      "predict",
      scratch,
      "--cell",
      "x@1",
      "--input",
      scan,
      "--output",
      labels,
    );
    assert.match(nowhere.stderr, /has no experiment\.json: not the output folder of a run/);
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(scratch, { recursive: true });
  }
});
