import assert from "node:assert/strict";
import { EarlyStopping } from "../core/training/early_stopping.ts";

function decisions(patience: number, curve: readonly number[]) {
  const stopping = new EarlyStopping(patience);
  return { stopping, decisions: curve.map((value, i) => stopping.update(i + 1, value)) };
}

Deno.test("early stopping: stops `patience` epochs after the best, remembering it", () => {
  const { stopping, decisions: d } = decisions(2, [5, 4, 3, 3.5, 3.6, 3.7]);
  assert.deepEqual(d, ["improved", "improved", "improved", "wait", "stop", "stop"]);
  assert.equal(stopping.bestEpoch, 3);
  assert.equal(stopping.bestValue, 3);
});

Deno.test("early stopping: a tie is no improvement; the paper's patience of 10", () => {
  const curve = [2, 1, ...Array(10).fill(1)];
  const { decisions: d } = decisions(10, curve);
  assert.equal(d.indexOf("stop"), 11);
  assert.equal(d.filter((x) => x === "wait").length, 9);
});

Deno.test("early stopping: patience 0 stops at the first epoch without improvement", () => {
  assert.deepEqual(decisions(0, [3, 2, 2.5]).decisions, ["improved", "improved", "stop"]);
});

Deno.test("early stopping: a later improvement restarts the wait", () => {
  const { stopping, decisions: d } = decisions(2, [3, 3.1, 2, 2.1, 2.2]);
  assert.deepEqual(d, ["improved", "wait", "improved", "wait", "stop"]);
  assert.equal(stopping.bestEpoch, 3);
});
