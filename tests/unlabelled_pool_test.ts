import assert from "node:assert/strict";
import { unlabelledPatients } from "../core/steps/segmenter/unlabelled_pool.ts";
import { sampleSubset, splitPatients } from "../core/steps/split/split.ts";
import { tinyCohort } from "../plugins/dataset/tiny.ts";

Deno.test("unlabelled pool: the training patients without labels, never validation or test", () => {
  const cohort = tinyCohort(10, 16, 1);
  for (const seed of [1, 2, 3]) {
    const split = splitPatients(cohort.patients, { val: 0.2, test: 0.2 }, seed);
    const train = cohort.patients.filter((p) => split.train.includes(p.id));
    for (const percent of [10, 50, 100]) {
      const labelled = sampleSubset(train, percent, seed);
      const pool = unlabelledPatients(split, labelled);
      assert.deepEqual(
        [...pool, ...labelled].sort(),
        [...split.train].sort(),
        "pool + labelled is not the training set",
      );
      for (const id of pool) {
        assert.ok(!split.val.includes(id) && !split.test.includes(id), `${id} leaked`);
        assert.ok(!labelled.includes(id), `${id} is labelled`);
      }
    }
  }
});

Deno.test("unlabelled pool: a split naming a test patient as training is refused", () => {
  const split = { train: ["a", "b", "c"], val: ["d"], test: ["c"] };
  assert.throws(() => unlabelledPatients(split, ["a"]), /patient c is a validation or test/);
});
