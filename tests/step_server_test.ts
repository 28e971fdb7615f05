import assert from "node:assert/strict";
import { parseExperiment } from "../core/config/experiment.ts";
import { planSteps } from "../core/plan/planner.ts";
import { storeOf } from "../core/run/run_setup.ts";
import { serveSteps, STEP_REPLY_PREFIX, type StepReply } from "../core/run/step_server.ts";
import { InterruptedError } from "../core/util/errors.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { tinyExperiment } from "./helpers/cli_process.ts";

// `step --serve`, the pool worker's loop, in this process: ids in, one reply per id out, in
// order; a failing or unknown step is answered and the loop goes on; a step already
// finished is not computed again; the end of the input ends it; a stop while idle ends it.

const experiment = () => parseExperiment(tinyExperiment(), builtinRegistry());

/** A stream of the given lines, and one that stays open until `close`. */
function input(lines: readonly string[], keepOpen = false) {
  let close = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")));
      if (keepOpen) close = () => controller.close();
      else controller.close();
    },
  });
  return { stream, close: () => close() };
}

async function serve(outDir: string, ids: readonly string[]) {
  const replies: StepReply[] = [];
  await serveSteps(experiment(), builtinRegistry(), {
    outDir,
    log: memoryLogger(),
    progress: silentProgress,
    signal: new AbortController().signal,
  }, {
    input: input(ids).stream,
    reply: (line) => {
      assert.ok(line.startsWith(STEP_REPLY_PREFIX) && line.endsWith("\n"), line);
      replies.push(JSON.parse(line.slice(STEP_REPLY_PREFIX.length)));
      return Promise.resolve();
    },
  });
  return replies;
}

Deno.test("step --serve: one reply per id, in order; failures answered, the loop goes on", async () => {
  const out = await Deno.makeTempDir({ prefix: "serve-" });
  const steps = planSteps(experiment(), builtinRegistry(), "cpu").steps;
  const [data, split] = steps;
  const segmenter = steps.find((s) => s.kind === "segmenter")!;
  const replies = await serve(out, [data.id, "", segmenter.id, "no-such-step", split.id, data.id]);
  assert.deepEqual(replies.map((r) => [r.id, r.status]), [
    [data.id, "done"],
    [segmenter.id, "failed"], // its classifier and split are not finished
    ["no-such-step", "failed"],
    [split.id, "done"],
    [data.id, "reused"],
  ]);
  assert.match(replies[1].error!, /dependencies not finished/);
  assert.match(replies[2].error!, /step no-such-step is not in the plan/);
  for (const reply of replies) assert.ok(reply.rssMiB > 0, `rss of ${reply.id}`);
  assert.ok(await storeOf(out).has(split.id));
  assert.ok(!(await storeOf(out).has(segmenter.id)));
  await Deno.remove(out, { recursive: true });
});

Deno.test("step --serve: stopped while waiting for the next id, it ends interrupted", async () => {
  const out = await Deno.makeTempDir({ prefix: "serve-stop-" });
  const stop = new AbortController();
  const pending = input([], true);
  const serving = serveSteps(experiment(), builtinRegistry(), {
    outDir: out,
    log: memoryLogger(),
    progress: silentProgress,
    signal: stop.signal,
  }, { input: pending.stream, reply: () => Promise.resolve() });
  setTimeout(() => stop.abort(), 50);
  await assert.rejects(serving, InterruptedError);
  pending.close();
  await Deno.remove(out, { recursive: true });
});
