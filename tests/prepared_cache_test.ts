import assert from "node:assert/strict";
import type { Cohort } from "../core/cohort.ts";
import { cohortFingerprint, prepareCohort } from "../core/data/prepared_cache.ts";
import { preprocessSlices } from "../core/data/preprocess.ts";
import { tinyCohort } from "../plugins/dataset_tiny.ts";
import { withTempDir } from "./acdc_fixtures.ts";

const cohort: Cohort = tinyCohort(2, 24, 5);

Deno.test("prepared_cache: the first call writes, the second reads the same arrays", async () => {
  await withTempDir(async (dir) => {
    const settings = { size: 16, crop: "center", cropFraction: 0.8 } as const;
    const first = await prepareCohort(cohort, settings, dir);
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.equal(files.length, 2);
    assert.match(files[0], /^prepared-[0-9a-f]{16}\.bin$/);
    const second = await prepareCohort(cohort, settings, dir);
    assert.deepEqual(second, first);
    assert.deepEqual(first, preprocessSlices(cohort.slices, settings));
  });
});

Deno.test("prepared_cache: other settings or other data get other entries", async () => {
  await withTempDir(async (dir) => {
    await prepareCohort(cohort, { size: 16 }, dir);
    await prepareCohort(cohort, { size: 16, clip: [1, 99] }, dir); // same after defaults
    assert.equal([...Deno.readDirSync(dir)].length, 2);
    await prepareCohort(cohort, { size: 12 }, dir);
    await prepareCohort(tinyCohort(2, 24, 6), { size: 16 }, dir);
    assert.equal([...Deno.readDirSync(dir)].length, 6);
  });
});

Deno.test("prepared_cache: the fingerprint follows the pixels", () => {
  const changed: Cohort = {
    ...cohort,
    slices: cohort.slices.map((s, i) => i === 0 ? { ...s, label: s.label.map(() => 0) } : s),
  };
  assert.equal(cohortFingerprint(cohort), cohortFingerprint(tinyCohort(2, 24, 5)));
  assert.notEqual(cohortFingerprint(changed), cohortFingerprint(cohort));
});
