import assert from "node:assert/strict";
import { join } from "node:path";
import {
  workerArgs,
  workerLogPath,
  workerPool,
  type WorkerSetup,
} from "../plugins/executor/local/worker.ts";
import { parseExperiment } from "../core/config/experiment.ts";
import { planSteps } from "../core/plan/planner.ts";
import { storeOf } from "../core/run/run_setup.ts";
import { builtinRegistry } from "../plugins/mod.ts";
import { tinyExperiment, waitUntil } from "./helpers/cli_process.ts";
import { writeSyntheticAcdc } from "../plugins/dataset/synthetic/cohort.ts";
import { type ArtifactStore, memoryLogger } from "../mod.ts";

// A worker of the local pool runs `experiment step` in the run's working directory. The
// dataset root is part of the data step's id, so `--data` must reach the worker exactly as
// the run was given it: a resolved path named a different data step ("not in the plan").

const CLI = new URL("../cli.ts", import.meta.url).pathname;

Deno.test("workerArgs: --data as the run was given it, --out absolute", () => {
  const outDir = "out/x";
  const setup: WorkerSetup = {
    log: memoryLogger(),
    experiment: "/tmp/snapshot.json",
    outDir,
    backend: "cpu",
    data: "../shared/data/acdc",
    store: {} as ArtifactStore, // not used to build the command line
  };
  const args = workerArgs(setup);
  const flag = (name: string) => args[args.indexOf(name) + 1];
  assert.equal(flag("--data"), "../shared/data/acdc");
  assert.ok(flag("--out").startsWith("/"), `--out ${flag("--out")}`);
  assert.deepEqual(args.slice(args.indexOf("step"), args.indexOf("step") + 3), [
    "step",
    "/tmp/snapshot.json",
    "--serve",
  ]);
});

Deno.test("--jobs 2 with a relative --data: the workers find the run's steps", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pool-data-" });
  await writeSyntheticAcdc(join(dir, "cohort"), {
    patientsPerGroup: 4,
    imageSize: 16,
    slices: 2,
  }, 3);
  const training = { epochs: 1, batchSize: 8, learningRate: 0.01 };
  await Deno.writeTextFile(
    join(dir, "experiment.json"),
    JSON.stringify({
      name: "pool-relative-data",
      backend: "cpu",
      dataset: "acdc",
      preprocess: { size: 16, crop: "none" },
      classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
      segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
      grid: { channels: ["1Ch"], sampleSizes: [50, 100] },
    }),
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "experiment.json", "--out", "out", "--jobs", "2"]
      .concat(["--data", "cohort"]),
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.doesNotMatch(stderr, /not in the plan/);
  assert.equal(output.code, 0, stderr);
  const results = JSON.parse(await Deno.readTextFile(join(dir, "out", "report", "results.json")));
  assert.deepEqual(results.map((r: { status: string }) => r.status), ["done", "done"]);
  await Deno.remove(dir, { recursive: true });
});

/** Whether process `pid` is gone and reaped by this process (a zombie still takes signals). */
function isReaped(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return false;
  } catch {
    return true;
  }
}

Deno.test("a worker that died while idle is replaced; the next step runs in a fresh one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pool-idle-death-" });
  const experiment = join(dir, "experiment.json");
  await Deno.writeTextFile(experiment, JSON.stringify(tinyExperiment()));
  const [data, split] = planSteps(
    parseExperiment(tinyExperiment(), builtinRegistry()),
    builtinRegistry(),
    "cpu",
  ).steps;
  const outDir = join(dir, "out");
  const store = storeOf(outDir);
  const pool = workerPool({ log: memoryLogger(), experiment, outDir, backend: "cpu", store }, 1e6);
  const never = new AbortController().signal;
  const pidOf = async (id: string) =>
    Number(/of worker (\d+)/.exec(await Deno.readTextFile(workerLogPath(outDir, id)))![1]);
  try {
    await pool.run(data, never);
    const first = await pidOf(data.id);
    Deno.kill(first, "SIGKILL");
    assert.ok(await waitUntil(() => isReaped(first), 30_000), `worker ${first} not reaped in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // for the pool to see its exit
    await pool.run(split, never); // not "the worker running it was killed by SIGKILL"
    assert.notEqual(await pidOf(split.id), first);
    assert.ok(await store.has(split.id));
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});
