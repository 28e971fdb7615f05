import assert from "node:assert/strict";
import { relativeWork } from "../core/run/step_work.ts";
import type { Step } from "../core/plan/step.ts";

function step(kind: string, settings: unknown): Step {
  return { kind, id: `${kind}-x`, label: kind, deps: [], settings } as unknown as Step;
}

Deno.test("relativeWork: epochs times the share of patients; nothing for untrained steps", () => {
  const cell = (size: number, epochs: number) =>
    step("segmenter", { sample: { size, method: "1" }, training: { epochs } });
  assert.equal(relativeWork(cell(25, 40)), 10);
  assert.ok(relativeWork(cell(30, 10)) > relativeWork(cell(15, 10)));
  assert.ok(relativeWork(cell(15, 40)) > relativeWork(cell(30, 10)));
  assert.equal(relativeWork(step("classifier", { training: { epochs: 20 } })), 20);
  assert.equal(relativeWork(step("data", { preprocess: {} })), 0);
  assert.equal(relativeWork(step("split", { seed: 1 })), 0);
});
