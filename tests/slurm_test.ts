/**
 * The Slurm executor against a real Slurm (see .ci/slurm-start). Without one, the tests that
 * need it print "NOT RUN: no Slurm (…)" and pass; the dry run and the `step` command's
 * checks need no Slurm and always run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadExperiment } from "../core/config/experiment.ts";
import { memoryLogger } from "../core/util/logger.ts";
import { silentProgress } from "../core/util/progress.ts";
import type { CellResult } from "../core/run/results.ts";
import { runExperiment, type RunSummary } from "../core/run/runner.ts";
import { baseJob, readRecords, type StepRecord } from "../plugins/executor/slurm/records.ts";
import { SlurmScheduler } from "../plugins/executor/slurm/scheduler.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const root = new URL("../", import.meta.url).pathname;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Why Slurm cannot be used here, or undefined when a node takes jobs. */
async function noSlurm(): Promise<string | undefined> {
  const reason = Deno.env.get("CAMPRIOR_SLURM_UNAVAILABLE");
  if (reason) return reason;
  try {
    const out = await new Deno.Command("sinfo", { args: ["-h", "-o", "%t"], stderr: "piped" })
      .output();
    if (!out.success) return `sinfo failed: ${decode(out.stderr).trim()}`;
    return /^(idle|mix|alloc)/m.test(decode(out.stdout)) ? undefined : "no idle node";
  } catch {
    return "sinfo not found";
  }
}

const slurmMissing = await noSlurm();

function slurmTest(name: string, fn: (t: Deno.TestContext) => Promise<void>) {
  Deno.test(`slurm: ${name}`, async (t) => {
    if (slurmMissing) {
      console.log(`NOT RUN: no Slurm (${slurmMissing})`);
      return;
    }
    await fn(t);
  });
}

/** A small grid: 4 cells, 1 epoch, tiny models, one CPU per task. */
async function experimentFile(dir: string, change: Record<string, unknown> = {}) {
  const training = { epochs: 1, batchSize: 8, learningRate: 0.01 };
  const file = {
    name: "slurm-test",
    backend: "cpu",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
    priors: { CAM: {} },
    segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch", "1Ch+CAM"], sampleSizes: [100, 50] },
    executor: { type: "slurm", cpus: 1, throttle: 2, pollSeconds: 0.5 },
    ...change,
  };
  const path = join(dir, `experiment-${crypto.randomUUID().slice(0, 8)}.json`);
  await Deno.writeTextFile(path, JSON.stringify(file, null, 2));
  return path;
}

async function run(file: string, outDir: string, executor?: string): Promise<RunSummary> {
  const registry = builtinRegistry();
  const experiment = await loadExperiment(file, registry, { executor });
  return await runExperiment(experiment, registry, {
    outDir,
    signal: AbortSignal.timeout(300_000),
    log: memoryLogger(),
    progress: silentProgress,
    source: { file },
  });
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Finish times of every artifact: unchanged means not recomputed. */
async function finishTimes(outDir: string): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  for await (const entry of Deno.readDir(join(outDir, "artifacts"))) {
    const manifest = join(outDir, "artifacts", entry.name, "manifest.json");
    const text = await Deno.readTextFile(manifest).catch(() => undefined);
    if (text) times.set(entry.name, JSON.parse(text).finishedAt);
  }
  return times;
}

/** Waits for the first running cell task of the run in `outDir` and cancels it. */
async function cancelRunningCell(outDir: string, scheduler: SlurmScheduler): Promise<StepRecord> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const cells = (await readRecords(outDir)).flatMap((r) => r.steps)
      .filter((s) => s.kind === "segmenter");
    const queue = await scheduler.queue([...new Set(cells.map((c) => baseJob(c.job)))]);
    const running = cells.find((c) => queue.get(c.job)?.state === "RUNNING");
    if (running) {
      await scheduler.cancel([running.job]);
      return running;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("no cell task was seen running");
}

const withoutTime = (results: readonly CellResult[]) =>
  results.map(({ seconds: _, ...rest }) => rest);

slurmTest(
  "a grid runs as jobs; a cancelled cell alone is recomputed; same results as local",
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "camprior-slurm-" });
    const out = join(dir, "out");
    const file = await experimentFile(dir);
    const scheduler = new SlurmScheduler();
    let cancelled: StepRecord | undefined;
    let before = new Map<string, string>();

    await t.step("run with one array task cancelled mid-run", async () => {
      const [summary, cell] = await Promise.all([
        run(file, out),
        cancelRunningCell(out, scheduler),
      ]);
      cancelled = cell;
      assert.equal(summary.computed.length, summary.graph.steps.length - 1, "all but one");
      assert.deepEqual(summary.failed.map((r) => r.id), [cell.id]);
      assert.match(summary.failed[0].error!, /CANCELLED|left the queue/);
      assert.ok(summary.failed[0].error!.includes(cell.log), "the failure names the log");
      before = await finishTimes(out);
      assert.equal(before.size, summary.graph.steps.length - 1);
    });

    await t.step("re-run submits and recomputes only the cancelled cell", async () => {
      const summary = await run(file, out);
      assert.deepEqual(summary.computed, [cancelled!.id]);
      assert.equal(summary.results.filter((r) => r.status === "done").length, 4);
      const after = await finishTimes(out);
      for (const [id, time] of before) assert.equal(after.get(id), time, `${id} recomputed`);
      const records = await readRecords(out);
      assert.deepEqual(records.at(-1)!.steps.map((s) => s.id), [cancelled!.id]);
      const status = await cli(["status", out]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /segmenter 4\/4/);
      assert.match(status.stdout, /^done {5}classifier tiny-cnn seed 1 {2}job \d+$/m);
    });

    await t.step("the local executor gives the same metrics with the same seeds", async () => {
      const slurm = await run(file, out);
      assert.deepEqual(slurm.computed, []);
      const local = await run(file, join(dir, "local"), "local");
      assert.equal(local.computed.length, local.graph.steps.length);
      assert.deepEqual(withoutTime(slurm.results), withoutTime(local.results));
    });

    await t.step(
      "a rejected submission fails clearly, cancels its jobs, loses nothing",
      async () => {
        const bad = await experimentFile(dir, {
          seeds: [1, 2],
          executor: {
            type: "slurm",
            cpus: 1,
            pollSeconds: 0.5,
            steps: { segmenter: { partition: "nope-camprior" } },
          },
        });
        const finished = await finishTimes(out);
        const result = await cli(["run", bad, "--out", out]);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /Slurm rejected the job cells-0 .*invalid partition/i);
        const undone = /cancelled the (\d+) jobs submitted before it \(([\d, ]+)\)/;
        const [, count, list] = result.stderr.match(undone)!;
        const ids = list.split(", ");
        assert.equal(ids.length, Number(count));
        assert.ok(
          ids.length >= 2,
          "classifier and cam of seed 2 went first (splits run in the run)",
        );
        const queue = await scheduler.queue(ids);
        assert.ok([...queue.values()].every((s) => !["PENDING", "RUNNING"].includes(s.state)));
        const now = await finishTimes(out);
        for (const [id, time] of finished) assert.equal(now.get(id), time, `${id} lost`);
      },
    );

    await t.step("an unreachable scheduler fails clearly and loses nothing", async () => {
      const conf = join(dir, "unreachable.conf");
      await Deno.writeTextFile(conf, "ClusterName=x\nSlurmctldHost=localhost\nSlurmctldPort=1\n");
      const finished = await finishTimes(out);
      const other = await experimentFile(dir, { seeds: [1, 2] });
      const result = await cli(["run", other, "--out", out], { SLURM_CONF: conf });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /cannot reach the Slurm controller \(sinfo: .*connect/);
      assert.ok(result.stderr.includes(`SLURM_CONF=${conf}`));
      assert.deepEqual(await finishTimes(out), finished);
    });

    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test("slurm: a dry run prints the scripts and submits nothing (needs no Slurm)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "camprior-slurm-" });
  const file = await experimentFile(dir, { executor: { type: "local" } });
  const out = join(dir, "out");
  const result = await cli(["run", file, "--executor", "slurm", "--dry-run", "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  const head = /^# dry run: (\d+) jobs for \d+ steps; nothing written or submitted$/m;
  const jobs = Number(result.stdout.match(head)![1]);
  assert.equal(result.stdout.match(/^#!\/bin\/bash$/gm)?.length, jobs);
  assert.equal(result.stdout.match(/^#SBATCH --array=0-1$/gm)?.length, 2, "2 arrays of 2 cells");
  assert.match(result.stdout, /^# data and split steps run in this process first/m);
  assert.match(result.stdout, /--dependency=afterok:<job of \w+-\w+>/);
  assert.doesNotMatch(result.stdout, /<job of (data|split)-/, "the run does those itself");
  assert.match(result.stdout, / step '\S+\/<submission>\/experiment.json' "\$STEP" --out /);
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("slurm: `step` refuses a step whose dependencies are missing (needs no Slurm)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "camprior-slurm-" });
  const file = await experimentFile(dir);
  const out = join(dir, "out");
  const plan = await cli(["plan", file, "--out", out]);
  const cell = plan.stdout.match(/segmenter 1Ch\+CAM @ 100% seed 1 {2}\((segmenter-\w+)\)/)![1];
  const result = await cli(["step", file, cell, "--out", out]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /cannot run segmenter 1Ch\+CAM @ 100% seed 1 .*not finished/);
  assert.match(result.stderr, /cam prior CAM seed 1 \(source-\w+\)/);
  const unknown = await cli(["step", file, "segmenter-0000", "--out", out]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /step segmenter-0000 is not in the plan/);
  await Deno.remove(dir, { recursive: true });
});
