import assert from "node:assert/strict";
import { join } from "node:path";
import { decode } from "fast-png";
import { restoreValueMap } from "../core/apply/native_maps.ts";
import { openStoredRun } from "../core/apply/stored_run.ts";
import { NIFTI_TYPES, readNifti } from "../core/io/nifti.ts";
import { loadData } from "../core/steps/data/data_step.ts";
import { loadMaps } from "../core/steps/prior/maps.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { cliInProcess } from "./helpers/cli_in_process.ts";
import { syntheticCohortFolder } from "./helpers/synthetic_cohort.ts";

const FILE = new URL("./fixtures/cli_synthetic.json", import.meta.url).pathname;

Deno.test("explain: a run's classifier gives the cam step's maps, as NIfTI and PNG overlays", async () => {
  const out = await Deno.makeTempDir();
  const cams = await Deno.makeTempDir();
  try {
    const run = await cliInProcess("run", FILE, "--out", out);
    assert.equal(run.code, 0, run.stderr);
    const input = join(await syntheticCohortFolder(out), "patient002");
    const result = await cliInProcess("explain", out, "--input", input, "--output", cams);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /patient002_frame01\.nii\.gz → .*patient002_frame01_cam\.nii\.gz and 2 PNGs/,
    );

    const stored = await openStoredRun(out, builtinRegistry(), memoryLogger());
    const data = await loadData(stored.env, stored.graph.steps.find((s) => s.kind === "data")!.id);
    const cam = stored.graph.steps.find((s) =>
      s.kind === "source" && s.settings.source.plugin === "cam"
    )!;
    const maps = await loadMaps(stored.env, cam.id);
    const { size } = data.prepared;
    const mine = data.prepared.meta.flatMap((m, i) => m.patientId === "patient002" ? [i] : []);
    const names = [
      "patient002_frame01",
      (await Array.fromAsync(Deno.readDir(input)))
        .map((e) => e.name).find((n) => /_frame(?!01)\d+\.nii\.gz$/.test(n))!.replace(
          ".nii.gz",
          "",
        ),
    ];
    for (const [v, name] of names.entries()) {
      const source = await readNifti(join(input, `${name}.nii.gz`));
      const written = await readNifti(join(cams, `${name}_cam.nii.gz`));
      assert.deepEqual(written.dims, source.dims);
      assert.deepEqual(written.geometry, source.geometry);
      assert.equal(written.datatype, NIFTI_TYPES.float32);
      const [w, h, depth] = source.dims;
      for (let k = 0; k < depth; k++) {
        const index = mine[v * depth + k];
        const expected = restoreValueMap(
          maps.subarray(index * size * size, (index + 1) * size * size),
          size,
          data.prepared.meta[index].source!,
        );
        assert.deepEqual(written.data.subarray(k * w * h, (k + 1) * w * h), expected);
        const png = decode(await Deno.readFile(join(cams, `${name}_slice0${k}.png`)));
        assert.equal(png.height, 128);
        assert.equal(png.width, 2 * 128 + 4);
      }
    }

    // A checkpoint folder alone: default preprocessing at the network's input size.
    const classifier = stored.graph.steps.find((s) => s.kind === "classifier")!;
    const alone = join(cams, "alone");
    const direct = await cliInProcess(
      "explain",
      "--classifier",
      stored.env.store.dir(classifier.id),
      "--backend",
      "cpu",
      "--input",
      join(input, "patient002_frame01.nii.gz"),
      "--output",
      alone,
    );
    assert.equal(direct.code, 0, direct.stderr);
    const maps2 = await readNifti(join(alone, "patient002_frame01_cam.nii.gz"));
    assert.ok(maps2.data.every((x) => x >= 0 && x <= 1) && maps2.data.some((x) => x > 0));

    const typo = await cliInProcess(
      "explain",
      out,
      "--xai",
      "gradcma",
      "--input",
      input,
      "--output",
      alone,
    );
    assert.match(typo.stderr, /unknown xai plugin "gradcma" \(did you mean "gradcam"\?/);
    const neither = await cliInProcess("explain", "--input", input, "--output", alone);
    assert.match(neither.stderr, /give an output folder of a run, or --classifier/);
  } finally {
    await Deno.remove(out, { recursive: true });
    await Deno.remove(cams, { recursive: true });
  }
});
