import assert from "node:assert/strict";
import { type Cohort, DIAGNOSES, type Patient } from "../core/plugin/cohort.ts";
import {
  checkSplit,
  resolveSplit,
  sampleSubset,
  splitPatients,
} from "../core/steps/split/split.ts";
import { ConfigError } from "../core/util/errors.ts";
import { throwsWith } from "./acdc_fixtures.ts";

/** `perGroup` patients of each diagnosis (ACDC-like: 20 each). */
function patients(perGroup: number): Patient[] {
  return DIAGNOSES.flatMap((group, g) =>
    Array.from({ length: perGroup }, (_, i) => ({ id: `p${g * perGroup + i}`, group }))
  );
}

const countBy = (list: readonly Patient[], ids: readonly string[]) => {
  const wanted = new Set(ids);
  return Object.fromEntries(
    DIAGNOSES.map((g) => [g, list.filter((p) => p.group === g && wanted.has(p.id)).length]),
  );
};

Deno.test("split: sets are disjoint, cover everyone, and are stratified", () => {
  const all = patients(20);
  const split = splitPatients(all, { val: 0.2, test: 0.2 }, 7);
  const ids = [...split.train, ...split.val, ...split.test];
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, 100);
  for (const g of DIAGNOSES) {
    assert.equal(countBy(all, split.test)[g], 4);
    assert.equal(countBy(all, split.val)[g], 4);
  }
  assert.deepEqual(splitPatients(all, { val: 0.2, test: 0.2 }, 7), split, "seeded");
  assert.notDeepEqual(splitPatients(all, { val: 0.2, test: 0.2 }, 8), split);
});

Deno.test("split: samples are exact, nested and stratified at every 5% step", () => {
  for (const perGroup of [14, 20, 3]) {
    const all = patients(perGroup);
    let previous = new Set<string>();
    for (let percent = 5; percent <= 100; percent += 5) {
      const subset = sampleSubset(all, percent, 3);
      const current = new Set(subset);
      assert.equal(current.size, subset.length);
      assert.equal(subset.length, Math.round((percent * all.length) / 100 + 1e-9), `${percent}%`);
      for (const id of previous) assert.ok(current.has(id), `${percent}%: keeps ${id}`);
      for (const [group, n] of Object.entries(countBy(all, subset))) {
        const quota = (subset.length * perGroup) / all.length;
        assert.ok(Math.abs(n - quota) < 1 || (n === 1 && quota < 1), `${group} ${percent}%: ${n}`);
      }
      previous = current;
    }
    assert.equal(previous.size, all.length, "100% is everyone");
  }
});

Deno.test("split: subsets of the training patients come from them only", () => {
  const all = patients(20);
  const split = splitPatients(all, { val: 0.2, test: 0.2 }, 1);
  const train = all.filter((p) => split.train.includes(p.id));
  const subset = sampleSubset(train, 15, 1);
  assert.ok(subset.every((id) => split.train.includes(id)));
  assert.equal(subset.length, 9); // round(60 × 0.15)
});

Deno.test("split: atLeastOne takes one patient where the percent rounds to none", () => {
  const few = patients(1);
  assert.throws(() => sampleSubset(few, 5, 1), ConfigError);
  assert.equal(sampleSubset(few, 5, 1, { atLeastOne: true }).length, 1);
  assert.equal(sampleSubset(few, 50, 1, { atLeastOne: true }).length, 3);
});

function cohortOf(list: Patient[], predefinedSplit?: Cohort["predefinedSplit"]): Cohort {
  return { patients: list, slices: [], ...(predefinedSplit ? { predefinedSplit } : {}) };
}

Deno.test("split: predefined lists are used as given when they fill every set", () => {
  const list = patients(2);
  const predefined = {
    train: ["p0", "p2", "p4", "p6"],
    val: ["p8", "p1"],
    test: ["p3", "p5", "p7", "p9"],
  };
  const settings = { mode: "predefined", val: 0.2, test: 0.2 } as const;
  assert.deepEqual(resolveSplit(cohortOf(list, predefined), settings, 1), predefined);
});

Deno.test("split: a set the lists leave empty is drawn from train, stratified, disjoint", () => {
  const list = patients(16);
  const val = list.filter((_, i) => i % 8 === 0).map((p) => p.id);
  const train = list.map((p) => p.id).filter((id) => !val.includes(id));
  const cohort = cohortOf(list, { train, val, test: [] });
  const split = resolveSplit(cohort, { mode: "predefined", val: 0.2, test: 0.2 }, 4);
  assert.deepEqual(split.val, val);
  assert.equal(split.test.length, 5 * 3); // round(14 × 0.2) per group
  checkSplit(cohort, split);
  assert.equal(split.train.length + split.test.length, train.length);
});

Deno.test("split: predefined mode without lists, unknown ids and shared patients are errors", () => {
  const list = patients(2);
  assert.throws(
    () => resolveSplit(cohortOf(list), { mode: "predefined", val: 0.2, test: 0.2 }, 1),
    (e) => e instanceof ConfigError && e.message.includes("defines no split"),
  );
  throwsWith(
    () => checkSplit(cohortOf(list), { train: ["p0", "zz"], val: [], test: [] }),
    "unknown patient zz",
  );
  throwsWith(
    () => checkSplit(cohortOf(list), { train: ["p0", "p1"], val: ["p1"], test: [] }),
    "patient p1 is in both train and val",
  );
});
