import assert from "node:assert/strict";
import { join } from "node:path";
import { hostname } from "node:os";
import { formatLocalStatus, localStatus } from "../core/run/local_status.ts";
import { storeOf } from "../core/run/runner.ts";
import type { RunRecord } from "../core/run/run_record.ts";
import { ConfigError } from "../core/util/errors.ts";

const steps = [
  { id: "data-a", kind: "data", label: "data tiny", deps: [] },
  { id: "split-b", kind: "split", label: "split seed 1", deps: ["data-a"] },
  {
    id: "classifier-c",
    kind: "classifier",
    label: "classifier tiny-cnn seed 1",
    deps: ["split-b"],
  },
  { id: "segmenter-d", kind: "segmenter", label: "segmenter 1Ch @ 100% seed 1", deps: ["split-b"] },
  { id: "segmenter-e", kind: "segmenter", label: "segmenter 1Ch @ 50% seed 1", deps: ["split-b"] },
];

async function folder(record: Partial<RunRecord>) {
  const out = await Deno.makeTempDir();
  const full: RunRecord = {
    experiment: "x",
    backend: "cpu",
    executor: "local",
    host: hostname(),
    pid: Deno.pid,
    startedAt: "2026-11-30T10:00:00.000Z",
    steps,
    cells: ["segmenter-d", "segmenter-e"],
    ...record,
  };
  await Deno.writeTextFile(join(out, "run.json"), JSON.stringify(full));
  const store = storeOf(out);
  for (const id of ["data-a", "split-b"]) {
    await store.commit(id, { kind: id.split("-")[0], label: id, settings: {} }, async () => {});
  }
  await Deno.mkdir(join(out, "failures"));
  await Deno.writeTextFile(
    join(out, "failures", "segmenter-d.json"),
    JSON.stringify({ id: "segmenter-d", label: "segmenter 1Ch @ 100% seed 1", error: "NaN loss" }),
  );
  return out;
}

Deno.test("localStatus: done, running, failed and to do from the store, failures and run.json", async () => {
  const since = "2026-11-30T10:05:00.000Z";
  const out = await folder({ current: { id: "classifier-c", since } });
  const status = await localStatus(out, new Date("2026-11-30T10:07:00.000Z"));
  assert.equal(status.active, true);
  assert.deepEqual(status.steps.map((s) => s.state), [
    "done",
    "done",
    "running",
    "failed",
    "to do",
  ]);
  const text = formatLocalStatus(status);
  assert.match(text, /running now \(process \d+ on /);
  assert.match(
    text,
    /^running {5}classifier tiny-cnn seed 1 {2}\(for 2 min, log .*classifier-c\.log\)$/m,
  );
  assert.match(text, /^failed {6}segmenter 1Ch @ 100% seed 1 {2}\(NaN loss; log /m);
  assert.match(text, /^5 steps: 2 done, 1 running, 1 failed, 1 to do; 0 of 2 grid cells done/m);
  await Deno.remove(out, { recursive: true });
});

Deno.test("localStatus: a run whose process is gone is interrupted, an ended one is not running", async () => {
  const gone = await folder({ pid: 2 ** 22 + 7, current: { id: "classifier-c", since: "x" } });
  const status = await localStatus(gone);
  assert.equal(status.active, false);
  assert.equal(status.steps[2].state, "interrupted");
  assert.match(formatLocalStatus(status), /stopped without finishing \(process \d+ is gone\)/);
  const ended = await folder({ endedAt: "2026-11-30T11:00:00.000Z" });
  assert.match(formatLocalStatus(await localStatus(ended)), /ended 2026-11-30T11:00:00\.000Z/);
  await Deno.remove(gone, { recursive: true });
  await Deno.remove(ended, { recursive: true });
});

Deno.test("localStatus: missing folders, files and folders without a run say what they are", async () => {
  await assert.rejects(() => localStatus("/nonexistent/out"), {
    name: "ConfigError",
    message: /^no output folder \/nonexistent\/out/,
  });
  const empty = await Deno.makeTempDir();
  await assert.rejects(() => localStatus(empty), (e: Error) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /holds no run record \(run\.json\)/);
    return true;
  });
  const file = join(empty, "f.txt");
  await Deno.writeTextFile(file, "");
  await assert.rejects(() => localStatus(file), /is a file, not an output folder/);
  await Deno.remove(empty, { recursive: true });
});
