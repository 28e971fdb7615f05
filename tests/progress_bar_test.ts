import assert from "node:assert/strict";
import { lineTask, progressLine } from "../core/cli/progress_bar.ts";

Deno.test("lineTask writes a line when the interval has passed, and one at the end", () => {
  const lines: string[] = [];
  let now = 0;
  const task = lineTask("segmenter 1Ch", 10, 60, (l) => lines.push(l), () => now);
  for (let epoch = 1; epoch <= 10; epoch++) {
    now += 25_000;
    task.update(epoch, `loss ${(1 / epoch).toFixed(2)}`);
  }
  task.finish();
  assert.deepEqual(lines, [
    "segmenter 1Ch: 3/10, loss 0.33 (75 s, ~3 min left)",
    "segmenter 1Ch: 6/10, loss 0.17 (3 min, ~2 min left)",
    "segmenter 1Ch: 9/10, loss 0.11 (4 min, ~25 s left)",
    "segmenter 1Ch: 10/10, loss 0.10 (4 min)",
  ]);
});

Deno.test("progressLine leaves out the ETA before the first unit", () => {
  assert.equal(progressLine("x", 0, 5, "", 3), "x: 0/5 (3 s)");
});
