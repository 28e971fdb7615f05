import assert from "node:assert/strict";
import { GridClock, stepWeight } from "../core/run/grid_eta.ts";
import type { Step } from "../core/plan/step.ts";
import { formatDuration } from "../core/util/duration.ts";

const step = (id: string, kind: string, size?: number) =>
  ({
    id,
    kind,
    label: id,
    deps: [],
    settings: size === undefined ? {} : { sample: { size, method: "m" } },
  }) as unknown as Step;

Deno.test("GridClock: no ETA until each remaining kind is timed, then measured rates", () => {
  const todo = [
    step("c", "classifier"),
    step("s100", "segmenter", 100),
    step("s50", "segmenter", 50),
  ];
  const clock = new GridClock(todo);
  assert.deepEqual(clock.secondsLeft(0), { seconds: 0, untimed: 3 });
  assert.match(clock.summary(0), /^0\/3 steps done, ETA after the first step of each kind$/);
  clock.started(todo[0], 0);
  clock.finished(todo[0], 10);
  assert.deepEqual(clock.secondsLeft(0), { seconds: 0, untimed: 2 });
  assert.match(clock.summary(0), /^1\/3 steps done, ETA after the first step of each kind$/);
  clock.started(todo[1], 0);
  clock.finished(todo[1], 22);
  // 22 s for weight 1.1 → 20 s per unit; the 50% cell weighs 0.6.
  assert.equal(stepWeight(todo[2]), 0.6);
  assert.ok(Math.abs(clock.secondsLeft(0).seconds - 12) < 1e-9);
  clock.started(todo[2], 0);
  assert.ok(Math.abs(clock.secondsLeft(5000).seconds - 7) < 1e-9, "time in the step counts");
  assert.equal(clock.secondsLeft(60000).seconds, 0);
  const now = new Date(2026, 10, 30, 13, 0, 0);
  assert.equal(clock.summary(0, now), "2/3 steps done, ~12 s left (ETA 13:00)");
});

Deno.test("GridClock: estimates fill in before a kind is measured; dropped steps are not waited for", () => {
  const todo = [step("a", "classifier"), step("b", "segmenter", 100)];
  const clock = new GridClock(todo, (s) => s.kind === "segmenter" ? 3600 : undefined);
  clock.measured(step("old", "classifier"), 30);
  assert.equal(clock.secondsLeft(0).seconds, 3630);
  clock.dropped(todo[0]);
  assert.equal(clock.done, 1);
  assert.equal(clock.secondsLeft(0).seconds, 3600);
  const partly = new GridClock([step("x", "classifier"), step("y", "prior"), step("z", "prior")]);
  partly.measured(step("old", "classifier"), 90);
  assert.match(
    partly.summary(0, new Date(2026, 10, 30, 12, 0)),
    /^0\/3 steps done, ~2 min left \+ 2 steps of kinds not timed yet \(ETA 12:01\)$/,
  );
  assert.match(
    clock.summary(0, new Date(2026, 10, 30, 23, 30)),
    /~60 min left \(ETA 00:30 Tue Dec 01 2026\)/,
  );
});

Deno.test("formatDuration picks a readable unit", () => {
  assert.equal(formatDuration(45.4), "45 s");
  assert.equal(formatDuration(12 * 60), "12 min");
  assert.equal(formatDuration(200 * 60), "3 h 20 min");
  assert.equal(formatDuration(53 * 3600), "2 d 5 h");
});
