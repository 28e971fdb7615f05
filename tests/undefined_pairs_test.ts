import assert from "node:assert/strict";
import {
  isMarked,
  sumPairs,
  undefinedHd95Pairs,
  undefinedPairsNote,
} from "../core/report/undefined_pairs.ts";
import { cell, scores } from "./helpers/report_cells.ts";

Deno.test("undefined pairs: k of volumes × 3 structures per cell, summed over seeds", () => {
  const missed = cell("A", 100, 1, scores(5, 0.5), { undefinedDistances: 4 });
  assert.deepEqual(undefinedHd95Pairs(missed), { undefined: 4, pairs: 5 * 2 * 3 });
  const { volume: _, ...old } = missed;
  assert.equal(undefinedHd95Pairs(old), undefined, "an artifact without volume summary");
  const sum = sumPairs([undefinedHd95Pairs(missed), undefined, { undefined: 0, pairs: 6 }]);
  assert.deepEqual(sum, { undefined: 4, pairs: 36 });
  assert.equal(sumPairs([undefined]), undefined);
  assert.ok(isMarked(sum));
  assert.ok(!isMarked({ undefined: 0, pairs: 36 }) && !isMarked(undefined));
});

Deno.test("undefined pairs: the note lists each marked value, none without", () => {
  assert.equal(undefinedPairsNote([]), undefined);
  const note = undefinedPairsNote([
    { where: "15% (10 pts), 1Ch", counts: { undefined: 3, pairs: 60 } },
    { where: "Average, 1Ch", counts: { undefined: 3, pairs: 120 } },
  ]);
  assert.match(
    note ?? "",
    /^† HD95 undefined for k of n volume × structure pairs \(structure missed/,
  );
  assert.match(note ?? "", /: 15% \(10 pts\), 1Ch: 3 of 60; Average, 1Ch: 3 of 120\.$/);
});
