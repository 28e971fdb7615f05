import assert from "node:assert/strict";
import { allocateSample, nestedAllocations, sampleCount } from "../core/steps/split/allocation.ts";
import { ConfigError } from "../core/util/errors.ts";

const PERCENTS = Array.from({ length: 20 }, (_, i) => 5 * (i + 1));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

Deno.test("allocation: sampleCount is round(p·N) with halves up and no float noise", () => {
  assert.equal(sampleCount(15, 70), 11); // 10.5
  assert.equal(sampleCount(10, 70), 7);
  assert.equal(sampleCount(5, 10), 1); // 0.5
  assert.equal(sampleCount(35, 10), 4); // 3.5
  assert.equal(sampleCount(100, 70), 70);
});

for (const sizes of [[13, 14, 17, 13, 13], [2, 2, 2, 2, 2]]) {
  Deno.test(`allocation: ${sizes.join("/")} gets exactly round(p·N) at every 5% step, nested`, () => {
    const total = sum(sizes);
    for (const seed of [1, 2, 3]) {
      let previous = sizes.map(() => 0);
      for (const percent of PERCENTS) {
        const counts = allocateSample(sizes, percent, seed);
        assert.equal(sum(counts), Math.round((percent * total) / 100 + 1e-9), `${percent}%`);
        counts.forEach((c, g) => {
          assert.ok(c >= previous[g], `${percent}% keeps group ${g}'s patients`);
          assert.ok(c <= sizes[g]);
          if (sum(counts) >= sizes.length) assert.ok(c >= 1, `${percent}%: every group`);
          const quota = (sum(counts) * sizes[g]) / total;
          if (quota >= 1) assert.ok(Math.abs(c - quota) < 1, `${percent}% group ${g}: ${c}`);
        });
        previous = counts;
      }
      assert.deepEqual(previous, sizes, "100% is everyone");
    }
  });
}

Deno.test("allocation: the ACDC 70 at 15% is 11 patients, not 12; 95% and 100% differ", () => {
  const sizes = [13, 14, 17, 13, 13];
  assert.equal(sum(allocateSample(sizes, 15, 1)), 11);
  assert.equal(sum(allocateSample(sizes, 95, 1)), 67);
  assert.equal(sum(allocateSample(sizes, 100, 1)), 70);
});

Deno.test("allocation: below one patient per group, distinct groups; ties follow the seed", () => {
  const sizes = [2, 2, 2, 2, 2];
  const firstPicks = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const rows = nestedAllocations(sizes, seed);
    for (let k = 1; k <= 5; k++) assert.ok(rows[k].every((c) => c <= 1), `k=${k}`);
    assert.deepEqual(rows, nestedAllocations(sizes, seed), "seeded");
    firstPicks.add(rows[1].join(""));
  }
  assert.ok(firstPicks.size > 1, "different seeds break ties differently");
});

Deno.test("allocation: quota holds on random group sizes once every group is due one", () => {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let trial = 0; trial < 300; trial++) {
    const sizes = Array.from({ length: 2 + (trial % 5) }, () => 1 + Math.floor(next() * 20));
    const total = sum(sizes);
    const rows = nestedAllocations(sizes, trial);
    for (let k = 0; k <= total; k++) {
      assert.equal(sum(rows[k]), k);
      if (!sizes.every((s) => (k * s) / total >= 1)) continue;
      rows[k].forEach((c, g) => assert.ok(Math.abs(c - (k * sizes[g]) / total) < 1));
    }
  }
});

Deno.test("allocation: a percent that rounds to no patient names the setting", () => {
  assert.throws(
    () => allocateSample([3, 3], 4, 1),
    (e) => e instanceof ConfigError && /4% of 6 patients is 0 patients.*8\.34%/.test(e.message),
  );
});
