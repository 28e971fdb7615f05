import assert from "node:assert/strict";
import { join } from "node:path";
import { readAcdcFolder } from "../plugins/dataset/formats/acdc_layout.ts";
import { syntheticPatient, syntheticRoster } from "../plugins/dataset/synthetic/cohort.ts";
import type { Diagnosis } from "../core/plugin/cohort.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { syntheticDatasetPlugin } from "../plugins/dataset/synthetic.ts";
import { SMALL_SYNTHETIC, withTempDir, writeSmallAcdc } from "./acdc_fixtures.ts";

Deno.test("dataset_synthetic: synthetic → NIfTI on disk → acdc reader gives the same arrays and spacing", async () => {
  await withTempDir(async (dir) => {
    await writeSmallAcdc(dir, 5);
    const cohort = await readAcdcFolder(dir);
    for (const { id, group } of syntheticRoster(SMALL_SYNTHETIC)) {
      const made = syntheticPatient(id, group, SMALL_SYNTHETIC, 5);
      assert.deepEqual(cohort.patients.find((p) => p.id === id), { id, group });
      for (const [f, phase] of [[0, "ED"], [1, "ES"]] as const) {
        const frame = made.frames[f];
        const [width, height, depth] = frame.dims;
        const read = cohort.slices.filter((s) => s.patientId === id && s.phase === phase);
        assert.equal(read.length, depth);
        for (const slice of read) {
          const at = slice.sliceIndex * width * height;
          assert.equal(slice.height, height);
          assert.equal(slice.width, width);
          assert.deepEqual(
            slice.image,
            Float32Array.from(frame.image).subarray(at, at + width * height),
          );
          assert.deepEqual(slice.label, frame.label.subarray(at, at + width * height));
          assert.deepEqual(slice.spacing, [frame.geometry.spacing[1], frame.geometry.spacing[0]]);
        }
      }
    }
  });
});

Deno.test("dataset_synthetic: the same seed gives the same cohort, another seed another", () => {
  const a = syntheticPatient("patient001", "NOR", SMALL_SYNTHETIC, 1);
  const b = syntheticPatient("patient001", "NOR", SMALL_SYNTHETIC, 1);
  const c = syntheticPatient("patient001", "NOR", SMALL_SYNTHETIC, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.frames[0].image, c.frames[0].image);
});

/** Label-map measurements of one group, averaged over `n` patients (mid-ventricular slice). */
function measure(group: Diagnosis, n: number) {
  const options = { patientsPerGroup: 1, imageSize: 96, slices: 5 };
  const areas = { lvEd: 0, lvEs: 0, myoEd: 0, rvEd: 0, lvBase: 0, lvApex: 0 };
  for (let i = 0; i < n; i++) {
    const patient = syntheticPatient(`patient${i}`, group, options, 11);
    const pixels = 96 * 96;
    const count = (phase: number, slice: number, value: number) =>
      patient.frames[phase].label.subarray(slice * pixels, (slice + 1) * pixels)
        .filter((v) => v === value).length;
    areas.lvEd += count(0, 2, 3) / n;
    areas.lvEs += count(1, 2, 3) / n;
    areas.myoEd += count(0, 2, 2) / n;
    areas.rvEd += count(0, 2, 1) / n;
    areas.lvBase += count(0, 0, 3) / n;
    areas.lvApex += count(0, 4, 3) / n;
  }
  return { ...areas, ef: 1 - areas.lvEs / areas.lvEd, wall: areas.myoEd / areas.lvEd };
}

Deno.test("dataset_synthetic: anatomy depends on the diagnosis as in ACDC", () => {
  const m = Object.fromEntries(
    (["NOR", "MINF", "DCM", "HCM", "RV"] as const).map((g) => [g, measure(g, 8)]),
  ) as Record<Diagnosis, ReturnType<typeof measure>>;
  // DCM: dilated LV, thin wall relative to the cavity, poor ejection.
  assert.ok(m.DCM.lvEd > 1.5 * m.NOR.lvEd, `DCM LV ${m.DCM.lvEd} vs NOR ${m.NOR.lvEd}`);
  assert.ok(m.DCM.wall < m.NOR.wall && m.DCM.ef < 0.5 * m.NOR.ef);
  // HCM: small cavity, thick myocardium.
  assert.ok(m.HCM.lvEd < m.NOR.lvEd && m.HCM.wall > 2 * m.NOR.wall);
  // MINF: reduced ejection, larger LV than normal.
  assert.ok(m.MINF.ef < 0.75 * m.NOR.ef && m.MINF.lvEd > m.NOR.lvEd);
  // RV: dilated right ventricle, normal LV.
  assert.ok(m.RV.rvEd > 1.8 * m.NOR.rvEd, `RV ${m.RV.rvEd} vs NOR ${m.NOR.rvEd}`);
  for (const [group, g] of Object.entries(m)) {
    assert.ok(g.lvEs < g.lvEd, `${group}: ES cavity smaller than ED`);
    assert.ok(g.lvApex < g.lvBase, `${group}: the LV narrows from base to apex`);
  }
});

Deno.test("dataset_synthetic: the plugin writes the default cohort once, fast, and reads it back", async () => {
  await withTempDir(async (workDir) => {
    const log = memoryLogger();
    const context = { seed: 3, workDir, log, signal: new AbortController().signal };
    const options = syntheticDatasetPlugin.options.parse({});
    const started = performance.now();
    const cohort = await (await syntheticDatasetPlugin.create(options, context)).load();
    const first = performance.now() - started;
    assert.equal(cohort.patients.length, 40);
    assert.equal(cohort.slices.length, 40 * 2 * 6);
    assert.ok(cohort.slices.every((s) => s.height === 96 && s.width === 96));
    const [folder] = [...Deno.readDirSync(workDir)].map((e) => join(workDir, e.name));
    const marker = Deno.statSync(join(folder, "COMPLETE")).mtime;
    const again = performance.now();
    await (await syntheticDatasetPlugin.create(options, context)).load();
    const second = performance.now() - again;
    assert.deepEqual(Deno.statSync(join(folder, "COMPLETE")).mtime, marker, "not rewritten");
    console.log(`generate+write+read ${first.toFixed(0)} ms, cached read ${second.toFixed(0)} ms`);
    assert.ok(log.lines.some((line) => line.includes("40/480")));
  });
});
