import assert from "node:assert/strict";
import { makeSchedule, scheduleSchema } from "../core/training/schedule.ts";

/** Rates of epochs 1 … n+1 when the monitored loss follows `curve`. */
function rates(settings: unknown, base: number, curve: readonly number[]): number[] {
  const schedule = makeSchedule(scheduleSchema.parse(settings), base, curve.length);
  return [schedule.initial, ...curve.map((loss, i) => schedule.next(i + 1, loss))];
}

const close = (actual: readonly number[], expected: readonly number[]) =>
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-12, `${actual} vs ${expected}`)
  );

Deno.test("constant schedule keeps the base rate", () => {
  assert.deepEqual(rates({ type: "constant" }, 0.01, [3, 2, 2, 2]), [0.01, 0.01, 0.01, 0.01, 0.01]);
});

Deno.test("plateau: reduces after `patience` epochs without improvement, down to the floor", () => {
  const settings = { type: "plateau", factor: 0.5, patience: 2, minLearningRate: 0.2 };
  // improve, improve, flat, flat (→ ×0.5), flat, flat (→ ×0.5 = floor), flat, flat (floor)
  const curve = [5, 4, 4, 4, 4, 4, 4, 4];
  close(rates(settings, 1, curve), [1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2]);
});

Deno.test("plateau: improvements below minDelta do not count; a real one resets the wait", () => {
  const settings = { type: "plateau", factor: 0.1, patience: 1, minDelta: 0.01 };
  // 3 → 2.995 is below minDelta (reduce), 2.995 → 2.5 improves, then flat (reduce).
  close(rates(settings, 1, [3, 2.995, 2.5, 2.5]), [1, 1, 0.1, 0.1, 0.01]);
});

Deno.test("cosine: from the base rate to the minimum at the last epoch", () => {
  const half = (1 + Math.cos(Math.PI / 4)) / 2;
  const expected = [1, half, 0.5, 1 - half, 0];
  const schedule = makeSchedule(scheduleSchema.parse({ type: "cosine" }), 1, 5);
  const got = [schedule.initial, ...[1, 2, 3, 4].map((e) => schedule.next(e, 0))];
  close(got, expected);
});

Deno.test("cosine with warm-up rises linearly first and ignores the loss", () => {
  const settings = { type: "cosine", warmupEpochs: 2, minLearningRate: 0.1 };
  const schedule = makeSchedule(scheduleSchema.parse(settings), 0.9, 4);
  const got = [schedule.initial, schedule.next(1, 9), schedule.next(2, 1), schedule.next(3, 5)];
  close(got, [0.3, 0.6, 0.9, 0.1]);
});

Deno.test("schedule settings are validated", () => {
  assert.throws(() => scheduleSchema.parse({ type: "plateau", factor: 1.5 }));
  assert.throws(() => scheduleSchema.parse({ type: "step" }));
  assert.deepEqual(scheduleSchema.parse({ type: "plateau" }), {
    type: "plateau",
    factor: 0.1,
    patience: 5,
    minDelta: 1e-4,
    minLearningRate: 1e-6,
  });
});
