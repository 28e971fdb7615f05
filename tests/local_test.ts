import assert from "node:assert/strict";
import { join } from "node:path";

// The local executor's process pool, through real `experiment run` processes: overlap of
// independent steps (from the steps' log timestamps), a failing worker named while the
// others' work is kept, the same step ids and results as `--jobs 1` (in this process),
// Ctrl-C and a killed run stopping every worker without leaving half-written artifacts.

const root = new URL("../", import.meta.url).pathname;
const FAILING = new URL("./fixtures/plugins/failing_postprocess.ts", import.meta.url).pathname;
const training = (epochs: number) => ({ epochs, batchSize: 8, learningRate: 0.01 });

/** Tiny grid: cells 1Ch and 1Ch+BAD, whose prior step always fails. */
function experiment(segmenterEpochs: number) {
  return {
    name: "pool-test",
    backend: "cpu",
    plugins: [FAILING],
    dataset: { plugin: "tiny", options: { patientsPerGroup: 4, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training: training(2) },
    priors: { BAD: { postprocess: [{ plugin: "always-fails" }] } },
    segmenter: {
      plugin: "tiny-unet",
      options: { depth: 1, filters: 4 },
      training: training(segmenterEpochs),
    },
    grid: { channels: ["1Ch", "1Ch+BAD"], sampleSizes: [100] },
  };
}

async function writeExperiment(dir: string, segmenterEpochs: number): Promise<string> {
  const file = join(dir, "experiment.json");
  await Deno.writeTextFile(file, JSON.stringify(experiment(segmenterEpochs)));
  return file;
}

function spawnRun(file: string, out: string, jobs: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", "run", file, "--out", out, "--jobs", jobs],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

async function list(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch { /* none yet */ }
  return names.sort();
}

/** Start and end times of a step from its log (`<out>/logs/<id>.log`). */
async function stepSpan(out: string, id: string): Promise<{ start: number; end?: number }> {
  const lines = (await Deno.readTextFile(join(out, "logs", `${id}.log`))).trim().split("\n");
  const time = (line: string) => Date.parse(line.split(" ")[0]);
  const start = lines.find((l) => / start /.test(l));
  const end = lines.find((l) => / finished$/.test(l));
  assert.ok(start, `${id}: no start line`);
  return { start: time(start), end: end ? time(end) : undefined };
}

async function results(out: string) {
  const all = JSON.parse(await Deno.readTextFile(join(out, "report", "results.json")));
  return all.map((
    r: { recipe: string; status: string; meanIoUWithBackground?: number },
  ) => [r.recipe, r.status, r.meanIoUWithBackground]);
}

/** Pids of processes whose command line mentions `text` (Linux). */
async function processesWith(text: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmdline.includes(text)) pids.push(Number(entry.name));
    } catch { /* gone */ }
  }
  return pids;
}

/** The pid of the worker that ran each step, from the pool's line in its worker log. */
async function workerPids(out: string, workerLogs: readonly string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const name of workerLogs) {
    const text = await Deno.readTextFile(join(out, "logs", name));
    const found = /step \d+ of worker (\d+)/.exec(text);
    assert.ok(found, `${name} does not say which worker ran it`);
    pids.push(Number(found[1]));
  }
  return pids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until some segmenter step has started in a worker (its log has a start line). */
async function untilSegmenterRuns(out: string, child: Deno.ChildProcess): Promise<string> {
  let exited = false;
  child.status.then(() => exited = true);
  while (!exited) {
    for (const name of await list(join(out, "logs"))) {
      if (!/^segmenter-.*\.log$/.test(name) || name.endsWith(".worker.log")) continue;
      const text = await Deno.readTextFile(join(out, "logs", name));
      if (text.includes("epoch") || text.includes(" start ")) return name.slice(0, -4);
    }
    await sleep(200);
  }
  throw new Error("the run ended before a segmenter step started");
}

Deno.test("--jobs 2: independent steps overlap, a failure is named, ids as with --jobs 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pool-" });
  const file = await writeExperiment(dir, 8);
  const pooled = join(dir, "jobs2"), serial = join(dir, "jobs1");
  const two = await finish(spawnRun(file, pooled, "2"));
  assert.equal(two.code, 1, two.stderr);
  assert.match(two.stderr, /up to 2 steps at once in worker processes/);
  // What a worker's step reported is passed on, as a run prints it for its own steps.
  assert.match(two.stderr, /^segmenter 1Ch @ 100% seed 1: mean IoU incl\. background \d/m);
  // The failing step is named, with its error; the cell that needs it is reported failed.
  assert.match(two.stderr, /prior BAD seed 1 failed: .*always-fails: deliberate failure/);
  assert.match(two.stderr, /failed: 1Ch\+BAD @ 100%.* seed 1: .*always-fails/);
  const failures = await list(join(pooled, "failures"));
  assert.equal(failures.filter((f) => f.startsWith("prior-")).length, 1);
  // The other cells finished; every step ran in a worker.
  const artifacts = (await list(join(pooled, "artifacts"))).filter((n) => !n.startsWith("."));
  assert.equal(artifacts.filter((n) => n.startsWith("segmenter-")).length, 1);
  const workerLogs = (await list(join(pooled, "logs"))).filter((n) => n.endsWith(".worker.log"));
  assert.ok(workerLogs.length >= 4, `worker logs: ${workerLogs.join(", ")}`);
  // Workers stay for further steps (their backend warm), except the one whose step failed.
  const pids = await workerPids(pooled, workerLogs);
  assert.ok(new Set(pids).size < pids.length, `one step per worker: ${pids.join(", ")}`);
  assert.ok(new Set(pids).size <= 3, `more workers than 2 slots + 1 replaced: ${pids}`);
  // After the split, the classifier and the 1Ch cell need nothing of each other: they ran
  // at the same time (each started before the other finished).
  const byKind = (kind: string) => artifacts.filter((n) => n.startsWith(`${kind}-`));
  const classifier = await stepSpan(pooled, byKind("classifier")[0]);
  const cells = await Promise.all(byKind("segmenter").map((id) => stepSpan(pooled, id)));
  const overlapping = cells.filter((cell) =>
    cell.start < classifier.end! && classifier.start < cell.end!
  );
  assert.ok(overlapping.length >= 1, "a segmenter ran while the classifier did");

  const serialRun = await finish(spawnRun(file, serial, "1"));
  assert.equal(serialRun.code, 1, serialRun.stderr);
  assert.doesNotMatch(serialRun.stderr, /worker processes/);
  assert.deepEqual((await list(join(serial, "logs"))).filter((n) => n.endsWith(".worker.log")), []);
  // The same steps (ids) and the same results, whichever way they ran.
  const serialArtifacts = (await list(join(serial, "artifacts"))).filter((n) => !n.startsWith("."));
  assert.deepEqual(serialArtifacts, artifacts);
  assert.deepEqual(await results(serial), await results(pooled));
  await Deno.remove(dir, { recursive: true });
});

/**
 * A `--jobs 2` run of long cells, once a segmenter runs in a worker; undefined (NOT RUN)
 * off Linux, where /proc does not list the workers.
 */
async function longPooledRun() {
  if (Deno.build.os !== "linux") {
    console.log("NOT RUN: needs Linux /proc to find worker processes");
    return undefined;
  }
  const dir = await Deno.makeTempDir({ prefix: "pool-stop-" });
  const file = await writeExperiment(dir, 400);
  const out = join(dir, "out");
  const child = spawnRun(file, out, "2");
  return { dir, out, child, running: await untilSegmenterRuns(out, child) };
}

Deno.test("Ctrl-C stops every worker: no worker left, nothing half-written counted", async () => {
  const run = await longPooledRun();
  if (!run) return;
  const { dir, out, child, running } = run;
  child.kill("SIGINT");
  const result = await finish(child);
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /interrupted: the \d+ steps finished in this run are kept/);
  assert.deepEqual(await processesWith(out), [], "no worker outlived the run");
  const names = await list(join(out, "artifacts"));
  assert.deepEqual(names.filter((n) => n.startsWith(".")), [], "no half-written folder left");
  assert.ok(!names.includes(running), `${running} was stopped, not finished`);
  assert.match(await Deno.readTextFile(join(out, "logs", `${running}.log`)), /interrupted/);
  assert.ok(!(await list(join(out, "failures"))).includes(`${running}.json`), "not a failure");
  for (const name of names) {
    await Deno.stat(join(out, "artifacts", name, "manifest.json")); // finished ones complete
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run killed with SIGKILL: its workers notice and stop by themselves", async () => {
  const run = await longPooledRun();
  if (!run) return;
  const { dir, out, child, running } = run;
  child.kill("SIGKILL");
  await finish(child);
  let left = await processesWith(out);
  for (let i = 0; i < 300 && left.length > 0; i++) {
    await sleep(200);
    left = await processesWith(out);
  }
  assert.deepEqual(left, [], "the orphaned workers ended");
  const names = await list(join(out, "artifacts"));
  assert.deepEqual(names.filter((n) => n.startsWith(".")), [], "they removed their temp folders");
  assert.ok(!names.includes(running));
  await Deno.remove(dir, { recursive: true });
});
