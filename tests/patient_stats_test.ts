/**
 * Per-patient statistics against SciPy and statsmodels on
 * `tests/fixtures/patient_stats_fixture.json` (generator and its reasoning:
 * `tests/fixtures/patient_stats_fixture.py`).
 */
import assert from "node:assert/strict";
import {
  bootstrapMeanCi,
  comparePatients,
  holmAdjust,
  type PatientScores,
  smallestPossibleP,
} from "../core/report/patient_stats.ts";

type Recipe = Record<string, Record<string, number>>;
interface Expected {
  readonly seeds: number[];
  readonly patients: number;
  readonly proposedMean: number;
  readonly baselineMean: number;
  readonly meanDifference: number;
  readonly perSeedDifference: number[];
  readonly wilcoxon: { statistic: number; pValue: number };
  readonly ci: [number, number];
  readonly ciStandardError: number;
}
const fixture: {
  cases: { name: string; proposed: Recipe; baseline: Recipe; expected: Expected }[];
  holm: { raw: number[]; adjusted: number[] };
} = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/patient_stats_fixture.json", import.meta.url)),
);

const bySeed = (recipe: Recipe) =>
  new Map<number, PatientScores>(
    Object.entries(recipe).map(([seed, scores]) => [Number(seed), new Map(Object.entries(scores))]),
  );
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

for (const { name, proposed, baseline, expected } of fixture.cases) {
  Deno.test(`patient stats: ${name} matches SciPy`, () => {
    const got = comparePatients(bySeed(proposed), bySeed(baseline));
    assert.deepEqual(got.seeds, expected.seeds);
    assert.equal(got.patients, expected.patients);
    close(got.proposedMean, expected.proposedMean, 1e-12, "proposed mean");
    close(got.baselineMean, expected.baselineMean, 1e-12, "baseline mean");
    close(got.meanDifference, expected.meanDifference, 1e-12, "mean difference");
    got.perSeedDifference.forEach((d, i) =>
      close(d, expected.perSeedDifference[i], 1e-12, `seed ${i}`)
    );
    assert.equal(got.wilcoxon?.statistic, expected.wilcoxon.statistic);
    // Exact p to rounding; the normal approximation's CDF is good to 1.5e-7.
    const pTolerance = got.wilcoxon!.method === "exact" ? 1e-12 : 1e-6;
    close(got.wilcoxon!.pValue, expected.wilcoxon.pValue, pTolerance, "p");
    // Both bootstraps are Monte Carlo: endpoints agree within a few resampling errors.
    const tolerance = 0.5 * expected.ciStandardError;
    close(got.ci!.low, expected.ci[0], tolerance, "CI low");
    close(got.ci!.high, expected.ci[1], tolerance, "CI high");
    assert.equal(
      got.seedSpreadExceedsEffect,
      expected.seeds.length > 1 && (
        new Set(expected.perSeedDifference.map(Math.sign)).size > 1 ||
        Math.max(...expected.perSeedDifference) - Math.min(...expected.perSeedDifference) >
          Math.abs(expected.meanDifference)
      ),
    );
  });
}

Deno.test("patient stats: Holm adjustment matches statsmodels; NaN is not a test", () => {
  holmAdjust(fixture.holm.raw).forEach((p, i) =>
    close(p, fixture.holm.adjusted[i], 1e-12, `p ${i}`)
  );
  const withGap = holmAdjust([0.01, NaN, 0.04]);
  assert.ok(Number.isNaN(withGap[1]));
  assert.deepEqual(withGap, [0.02, NaN, 0.04]);
});

Deno.test("patient stats: the smallest reachable p says when 5 patients cannot reach 0.05", () => {
  assert.equal(smallestPossibleP(5), 0.0625);
  assert.equal(smallestPossibleP(6), 0.03125);
  assert.equal(smallestPossibleP(0), 1);
});

Deno.test("patient stats: no shared patients give no test and no interval", () => {
  const a = new Map([[1, new Map([["x", 0.5]])]]);
  const b = new Map([[2, new Map([["x", 0.4]])]]);
  const none = comparePatients(a, b);
  assert.equal(none.patients, 0);
  assert.equal(none.wilcoxon, undefined);
  assert.equal(none.ci, undefined);
  assert.equal(bootstrapMeanCi([0.1]), undefined);
});

Deno.test("patient stats: the bootstrap is seeded", () => {
  const values = [0.1, -0.2, 0.3, 0.05, 0.12, -0.04];
  assert.deepEqual(bootstrapMeanCi(values, { seed: 3 }), bootstrapMeanCi(values, { seed: 3 }));
  assert.notDeepEqual(bootstrapMeanCi(values, { seed: 3 }), bootstrapMeanCi(values, { seed: 4 }));
});
