import assert from "node:assert/strict";
import { join } from "node:path";
import { summarizeCohort } from "../core/plugin/cohort_summary.ts";
import { readH5Datasets } from "../plugins/dataset/formats/hdf5.ts";
import { readListFile } from "../plugins/dataset/formats/list_files.ts";
import { checkSplit } from "../core/steps/split/split.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { acdcH5DatasetPlugin } from "../plugins/dataset/acdc_h5.ts";
import {
  ACDC_DIR,
  haveAcdc,
  rejectsWith,
  throwsWith,
  withTempDir,
  writeH5,
} from "./acdc_fixtures.ts";
import { guardSlices } from "../core/steps/data/slice_guards.ts";
import type { Cohort } from "../core/plugin/cohort.ts";

function load(root: string, lists: Record<string, string> = {}) {
  const log = memoryLogger();
  const options = acdcH5DatasetPlugin.options.parse({ root, lists });
  const context = { seed: 1, workDir: root, log, signal: new AbortController().signal };
  return { log, cohort: async () => (await acdcH5DatasetPlugin.create(options, context)).load() };
}

Deno.test("dataset_acdc_h5: the real folder gives 70 train patients (1312 slices) and 10 val", async () => {
  if (!(await haveAcdc("dataset_acdc_h5 full read"))) return;
  const started = performance.now();
  const { log, cohort: read } = load(ACDC_DIR);
  const cohort = await read();
  console.log(
    `full read of ${cohort.slices.length} slices: ${(performance.now() - started).toFixed(0)} ms`,
  );
  const split = cohort.predefinedSplit!;
  assert.equal(split.train.length, 70);
  assert.equal(split.val.length, 10);
  assert.equal(split.test.length, 0, "test.list is not in the development folder");
  assert.equal(cohort.patients.length, 80);
  checkSplit(cohort, split);
  const summary = summarizeCohort(cohort);
  const total = (set: string, key: "patients" | "slices") =>
    Object.values(summary.cells[set]).reduce((a, c) => a + c[key], 0);
  assert.equal(total("train", "slices"), 1312);
  assert.equal(total("train", "patients"), 70);
  assert.equal(total("val", "patients"), 10);
  assert.ok(!summary.splits.includes("unassigned"));
  assert.ok(log.lines.join("\n").includes("70/1312"), "the summary is logged");
  // Group balance: every group present in train, 20 per group over the 100 Info.cfg files.
  for (const [group, cell] of Object.entries(summary.cells.train)) {
    assert.ok(
      cell.patients >= 12 && cell.patients <= 18,
      `${group}: ${cell.patients} train patients`,
    );
  }
  // Label values: only 0..3, each class present; images in [0, 1].
  const seen = new Set<number>();
  for (const slice of cohort.slices) {
    for (const v of slice.label) seen.add(v);
    assert.equal(slice.label.length, slice.height * slice.width);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  // Every slice of train_slices.list was read, under its volume.
  const names = (await readListFile(join(ACDC_DIR, "train_slices.list")))!;
  const perVolume = new Map<string, number>();
  for (const name of names) {
    const volume = name.replace(/_slice_\d+$/, "");
    perVolume.set(volume, (perVolume.get(volume) ?? 0) + 1);
  }
  const patient = cohort.slices.filter((s) => s.patientId === "patient003" && s.phase === "ED");
  assert.equal(patient.length, perVolume.get("patient003_frame01"));
  assert.deepEqual(patient.map((s) => s.sliceIndex), [...patient.keys()]);
});

Deno.test("dataset_acdc_h5: the 10 validation patients' 20 volumes become per-slice samples", async () => {
  if (!(await haveAcdc("dataset_acdc_h5 validation volumes"))) return;
  const volumes = (await readListFile(join(ACDC_DIR, "val.list")))!;
  assert.equal(volumes.length, 20);
  await withTempDir(async (dir) => {
    // The val volumes as the train set, one 2-D-sliced training volume as val: no full read.
    await Deno.writeTextFile(join(dir, "one.list"), "patient099_frame01\n");
    const lists = { train: join(ACDC_DIR, "val.list"), val: join(dir, "one.list") };
    const cohort = await load(ACDC_DIR, lists).cohort();
    assert.equal(cohort.predefinedSplit!.train.length, 10);
    let depth = 0;
    for (const volume of volumes) {
      const { image, label } = await readH5Datasets(join(ACDC_DIR, "h5", `${volume}.h5`), [
        "image",
        "label",
      ]);
      assert.equal(image.shape.length, 3);
      assert.ok(image.shape[0] >= 8 && image.shape[0] <= 16, `${volume}: ${image.shape[0]} slices`);
      assert.deepEqual(label.shape, image.shape);
      depth += image.shape[0];
    }
    const trainIds = new Set(cohort.predefinedSplit!.train);
    assert.equal(cohort.slices.filter((s) => trainIds.has(s.patientId)).length, depth);
    const phases = new Set(
      cohort.slices.filter((s) => trainIds.has(s.patientId)).map((s) => s.phase),
    );
    assert.deepEqual([...phases].sort(), ["ED", "ES"]);
  });
});

/** A small SSL4MIS layout: patient001 as 2-D slices (train), patient002 as a volume (val). */
async function smallLayout(root: string): Promise<void> {
  await Deno.mkdir(join(root, "h5"), { recursive: true });
  for (const [id, group] of [["patient001", "NOR"], ["patient002", "DCM"]]) {
    await Deno.mkdir(join(root, "info", id), { recursive: true });
    await Deno.writeTextFile(join(root, "info", id, "Info.cfg"), `ED: 1\nES: 9\nGroup: ${group}\n`);
  }
  const label = Uint8Array.from({ length: 12 }, (_, i) => i % 4);
  for (const n of [1, 2]) {
    await writeH5(join(root, "h5", `patient001_frame01_slice_${n}.h5`), { shape: [3, 4] }, {
      shape: [3, 4],
      data: label,
    });
  }
  await writeH5(join(root, "h5", "patient002_frame02.h5"), { shape: [2, 3, 4] }, {
    shape: [2, 3, 4],
  });
  await Deno.writeTextFile(join(root, "train.list"), "patient001_frame01\n");
  await Deno.writeTextFile(join(root, "val.list"), "patient002_frame02\n");
}

Deno.test("dataset_acdc_h5: a small layout reads slices and volumes with phases and groups", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    const cohort = await load(root).cohort();
    assert.deepEqual(cohort.patients, [{ id: "patient001", group: "NOR" }, {
      id: "patient002",
      group: "DCM",
    }]);
    assert.deepEqual(cohort.predefinedSplit, {
      train: ["patient001"],
      val: ["patient002"],
      test: [],
    });
    assert.deepEqual(
      cohort.slices.map((s) => [s.patientId, s.phase, s.sliceIndex, s.height, s.width]),
      [
        ["patient001", "ED", 0, 3, 4],
        ["patient001", "ED", 1, 3, 4],
        ["patient002", "ES", 0, 3, 4],
        ["patient002", "ES", 1, 3, 4],
      ],
    );
    assert.deepEqual([...cohort.slices[0].label], [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    await Deno.writeTextFile(join(root, "test.list"), "patient002_frame02\n");
    await rejectsWith(load(root).cohort, "test.list: patient002 is also in the val list");
  });
});

Deno.test("dataset_acdc_h5: an empty list file is named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    await Deno.writeTextFile(join(root, "val.list"), "\n");
    await rejectsWith(load(root).cohort, `${join(root, "val.list")}: list file is empty`);
  });
});

Deno.test("dataset_acdc_h5: a missing list file or Info.cfg is named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    await Deno.remove(join(root, "info", "patient002", "Info.cfg"));
    await rejectsWith(
      load(root).cohort,
      `${join(root, "info", "patient002", "Info.cfg")}: Info.cfg not found`,
    );
    await Deno.remove(join(root, "train.list"));
    await rejectsWith(load(root).cohort, `${join(root, "train.list")}: list file not found`);
  });
});

Deno.test("dataset_acdc_h5: an Info.cfg without Group is named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    const path = join(root, "info", "patient001", "Info.cfg");
    await Deno.writeTextFile(path, "ED: 1\nES: 9\n");
    await rejectsWith(load(root).cohort, `${path}: missing "Group"`);
  });
});

Deno.test("dataset_acdc_h5: image/label shape mismatch and unknown labels are named per slice", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    const path = join(root, "h5", "patient002_frame02.h5");
    const ramp = Float32Array.from({ length: 24 }, (_, i) => i);
    const patient002 = async () => {
      const cohort = await load(root).cohort();
      return { ...cohort, slices: cohort.slices.filter((s) => s.patientId === "patient002") };
    };
    await writeH5(path, { shape: [2, 3, 4], data: ramp }, { shape: [2, 4, 3] });
    throwsWith(
      guardOf(await patient002()),
      `${path}: slice 0 (patient002 ES): image/label shape mismatch: label ${path} "label" ` +
        `has shape 2×4×3, image ${path} "image" 2×3×4`,
    );
    const label = new Uint8Array(24);
    label[13] = 7;
    await writeH5(path, { shape: [2, 3, 4], data: ramp }, { shape: [2, 3, 4], data: label });
    throwsWith(
      guardOf(await patient002()),
      `${path}: slice 1 (patient002 ES): label value 7 out of range 0..3`,
    );
  });
});

function guardOf(cohort: Cohort) {
  return () => guardSlices(cohort);
}

Deno.test("dataset_acdc_h5: corrupt, missing and gapped files are named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    const slice2 = join(root, "h5", "patient001_frame01_slice_2.h5");
    await Deno.writeTextFile(slice2, "garbage");
    await rejectsWith(load(root).cohort, `${slice2}: not an HDF5 file`);
    await Deno.rename(slice2, join(root, "h5", "patient001_frame01_slice_3.h5"));
    await rejectsWith(
      load(root).cohort,
      "patient001_frame01_slice_3.h5: slice 2 of patient001_frame01 is missing",
    );
    await Deno.remove(join(root, "h5", "patient002_frame02.h5"));
    await Deno.remove(join(root, "h5", "patient001_frame01_slice_1.h5"));
    await Deno.remove(join(root, "h5", "patient001_frame01_slice_3.h5"));
    await rejectsWith(
      load(root).cohort,
      `${join(root, "h5", "patient001_frame01.h5")}: file not found`,
    );
  });
});

Deno.test("dataset_acdc_h5: a list entry that is not a volume name is named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    await Deno.writeTextFile(join(root, "train.list"), "patient001_frame01_slice_1\n");
    await rejectsWith(
      load(root).cohort,
      'train.list: entry "patient001_frame01_slice_1" is not a volume name',
    );
  });
});

Deno.test("dataset_acdc_h5: a frame that is neither ED nor ES is named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    await Deno.rename(
      join(root, "h5", "patient002_frame02.h5"),
      join(root, "h5", "patient002_frame05.h5"),
    );
    await Deno.writeTextFile(join(root, "val.list"), "patient002_frame05\n");
    await rejectsWith(
      load(root).cohort,
      "patient002_frame05: frame 5 is neither ED (1) nor ES (9)",
    );
  });
});

Deno.test("dataset_acdc_h5: without a folder, loading says to pass --data", async () => {
  await assert.rejects(
    load("").cohort(),
    /dataset acdc-h5: no data folder given: pass --data <dir>/,
  );
});

Deno.test("hdf5 diagnostics: handed to the caller's sink, with the file named", async () => {
  await withTempDir(async (root) => {
    await smallLayout(root);
    const volume = join(root, "h5", "patient002_frame02.h5");
    await Deno.writeFile(volume, (await Deno.readFile(volume)).subarray(0, 1200));
    const printed: string[] = [];
    await rejectsWith(
      () => readH5Datasets(volume, ["image"], { diagnostics: (t) => printed.push(t) }),
      "corrupt or truncated",
    );
    assert.equal(printed.length, 1);
    assert.ok(printed[0].startsWith(`HDF5 on ${volume}:\n`));
    assert.ok(printed[0].split("\n").length > 10, "the whole HDF5 error stack");
  });
});
