/** Script generation and job planning of the Slurm executor: no Slurm needed. */
import assert from "node:assert/strict";
import { ConfigError } from "../core/util/errors.ts";
import { loadExperiment, parseExperiment } from "../core/config/experiment.ts";
import { join } from "node:path";
import { planSteps } from "../core/plan/planner.ts";
import {
  type JobSpec,
  sbatchOptions,
  sbatchScript,
  shellQuote,
} from "../plugins/executor/slurm/sbatch_script.ts";
import { parseStates } from "../plugins/executor/slurm/scheduler.ts";
import {
  defaultSlurmSettings,
  resourcesFor,
  slurmSettingsSchema,
} from "../plugins/executor/slurm/settings.ts";
import { logPath, planJobs } from "../plugins/executor/slurm/jobs.ts";
import { planSubmission } from "../plugins/executor/slurm/submit.ts";
import { builtinRegistry } from "../plugins/mod.ts";

const command = {
  deno: "/opt/deno",
  denoArgs: ["run", "-A", "/repo/cli.ts"],
  experiment: "/out/slurm/s1/experiment.json",
  outDir: "/out",
  backend: "cpu",
};

function job(change: Partial<JobSpec> = {}): JobSpec {
  return {
    name: "camprior-classifier-1",
    resources: { partition: "gpu", cpus: 2, memory: "8G", gpus: "a100:1", time: "01:00:00" },
    output: "/out/slurm/s1/logs/classifier-1-%j.out",
    chdir: "/work",
    step: { id: "classifier-1" },
    setup: ["module load cuda"],
    command,
    ...change,
  };
}

Deno.test("a single job's script: resources, setup, then the step command", () => {
  const script = sbatchScript(job({ resources: { ...job().resources, extra: ["--qos=short"] } }));
  assert.equal(
    script,
    [
      "#!/bin/bash",
      "#SBATCH --job-name=camprior-classifier-1",
      "#SBATCH --output=/out/slurm/s1/logs/classifier-1-%j.out",
      "#SBATCH --chdir=/work",
      "#SBATCH --partition=gpu",
      "#SBATCH --time=01:00:00",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --mem=8G",
      "#SBATCH --gpus=a100:1",
      "#SBATCH --qos=short",
      "set -euo pipefail",
      "module load cuda",
      "STEP=classifier-1",
      'echo "camprior: step $STEP on $(hostname), job ${SLURM_JOB_ID:-?}" >&2',
      'exec /opt/deno run -A /repo/cli.ts step /out/slurm/s1/experiment.json "$STEP" ' +
      "--out /out --backend cpu",
      "",
    ].join("\n"),
  );
});

Deno.test("an array's tasks read their step from the index file; throttle and data", () => {
  const script = sbatchScript(job({
    resources: {},
    array: { size: 12, throttle: 4 },
    step: { indexFile: "/out/slurm/s1/cells-0.ids" },
    command: { ...command, data: "/data sets/acdc" },
  }));
  assert.match(script, /^#SBATCH --array=0-11%4$/m);
  assert.doesNotMatch(script, /--partition|--gpus/);
  assert.match(
    script,
    /^STEP=\$\(sed -n "\$\(\(SLURM_ARRAY_TASK_ID \+ 1\)\)p" \/out\/slurm\/s1\/cells-0\.ids\)$/m,
  );
  assert.match(script, / --backend cpu --data '\/data sets\/acdc'$/m);
  assert.deepEqual(sbatchOptions(job({ resources: {}, array: { size: 3 } })).slice(3), [
    "--array=0-2",
  ]);
});

Deno.test("paths with spaces are quoted in #SBATCH lines and in the shell", () => {
  const script = sbatchScript(job({ chdir: "/my work", resources: {} }));
  assert.match(script, /^#SBATCH --chdir="\/my work"$/m);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote("/plain/path-1.json"), "/plain/path-1.json");
});

Deno.test("per step kind resources override the shared ones; extra lines add up", () => {
  const settings = slurmSettingsSchema.parse({
    partition: "cpu",
    time: "00:30:00",
    extra: ["--qos=normal"],
    steps: { segmenter: { partition: "gpu", gpus: 1, extra: ["--constraint=v100"] } },
  });
  assert.deepEqual(resourcesFor(settings, "segmenter"), {
    partition: "gpu",
    account: undefined,
    time: "00:30:00",
    cpus: undefined,
    memory: undefined,
    gpus: 1,
    extra: ["--qos=normal", "--constraint=v100"],
  });
  assert.equal(resourcesFor(settings, "classifier").partition, "cpu");
  assert.equal(resourcesFor(settings, "classifier").gpus, undefined);
});

Deno.test("bad Slurm settings are reported with their path", () => {
  const registry = builtinRegistry();
  const file = (executor: unknown) => ({
    name: "t",
    dataset: "tiny",
    classifier: { plugin: "tiny-cnn" },
    segmenter: { plugin: "tiny-unet" },
    grid: { channels: ["1Ch"], sampleSizes: [100] },
    executor,
  });
  assert.throws(
    () =>
      parseExperiment(file({ type: "slurm", steps: { segmenter: { memory: "lots" } } }), registry),
    /executor\.steps\.segmenter\.memory: expected a memory size like 4G or 16000M, got "lots"/,
  );
  assert.throws(() => parseExperiment(file({ type: "slurm", throttle: 0 }), registry), /throttle/);
  assert.throws(() => parseExperiment(file({ type: "pbs" }), registry), ConfigError);
  assert.throws(
    () =>
      parseExperiment(
        file({ plugin: "slurm", options: { steps: { segmenter: { memory: "lots" } } } }),
        registry,
      ),
    /executor\.options\.steps\.segmenter\.memory: expected a memory size/,
  );
  assert.deepEqual(parseExperiment(file(undefined), registry).executor, {
    plugin: "local",
    options: { jobs: "auto", memoryPerJob: 2048 },
  });
  assert.deepEqual(parseExperiment(file("slurm"), registry).executor, {
    plugin: "slurm",
    options: defaultSlurmSettings(),
  });
  assert.throws(
    () => parseExperiment(file("pbs"), registry),
    /executor\.plugin: unknown executor plugin "pbs" \(registered: local, slurm\)/,
  );
});

Deno.test("--executor on top of the file's executor keeps options only for the same plugin", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "e.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "t",
      dataset: "tiny",
      classifier: { plugin: "tiny-cnn" },
      segmenter: { plugin: "tiny-unet" },
      grid: { channels: ["1Ch"], sampleSizes: [100] },
      executor: { type: "slurm", partition: "gpu" },
    }),
  );
  const load = (executor?: string) => loadExperiment(path, builtinRegistry(), { executor });
  assert.equal((await load()).executor.options.partition, "gpu");
  assert.equal((await load("slurm")).executor.options.partition, "gpu");
  assert.deepEqual((await load("local")).executor, {
    plugin: "local",
    options: { jobs: "auto", memoryPerJob: 2048 },
  });
  await assert.rejects(() => load("pbs"), /unknown executor plugin "pbs"/);
  await Deno.remove(dir, { recursive: true });
});

function graph() {
  const training = { epochs: 1 };
  const experiment = parseExperiment({
    name: "t",
    backend: "cpu",
    dataset: "tiny",
    classifier: { plugin: "tiny-cnn", training },
    priors: { CAM: {} },
    segmenter: { plugin: "tiny-unet", training },
    grid: { channels: ["1Ch", "1Ch+CAM"], sampleSizes: [100, 50, 25] },
  }, builtinRegistry());
  return planSteps(experiment, builtinRegistry(), "cpu");
}

Deno.test("jobs: shared steps alone, cells in arrays grouped by what they wait for", () => {
  const { steps } = graph();
  const context = {
    settings: slurmSettingsSchema.parse({ throttle: 2 }),
    dir: "/out/slurm/s1",
    chdir: "/work",
    command,
  };
  const jobs = planJobs(steps, new Set(), context);
  const kinds = (j: (typeof jobs)[number]) => j.steps.map((s) => s.kind).join(",");
  assert.deepEqual(jobs.map(kinds), [
    "data",
    "split",
    "classifier",
    "source",
    "segmenter,segmenter,segmenter",
    "segmenter,segmenter,segmenter",
  ]);
  const [data, split, , cam, plain, withCam] = jobs;
  assert.deepEqual([...plain.after].sort(), [data.key, split.key].sort());
  assert.deepEqual([...withCam.after].sort(), [data.key, split.key, cam.key].sort());
  assert.deepEqual(withCam.spec.array, { size: 3, throttle: 2 });
  assert.equal(logPath(withCam, "77", 2), "/out/slurm/s1/logs/cells-1-77_2.out");
  assert.equal(logPath(cam, "42", 0), `/out/slurm/s1/logs/${cam.key}-42.out`);
});

Deno.test("jobs: finished and in-flight steps are not submitted again", () => {
  const { steps } = graph();
  const context = { settings: defaultSlurmSettings(), dir: "/s", chdir: "/w", command };
  const byKind = (kind: string) => steps.find((s) => s.kind === kind)!;
  const [classifier, cam] = [byKind("classifier"), byKind("source")];
  const todo = steps.filter((s) => s.kind !== "data" && s.kind !== "split");
  const jobs = planJobs(todo, new Set([classifier.id]), context);
  assert.deepEqual(jobs.map((j) => j.steps.length), [1, 3, 3]);
  assert.equal(jobs[0].key, cam.id);
  assert.deepEqual(jobs[0].after, [classifier.id], "waits for the in-flight job");
  assert.deepEqual(jobs[1].after, [], "image-only cells wait for nothing");
});

Deno.test("squeue and sacct lines are parsed into states", () => {
  const states = parseStates(
    "12|COMPLETED|None\n13_0|PENDING|DependencyNeverSatisfied\n" +
      "13_1|CANCELLED by 0\n",
  );
  assert.deepEqual(states.get("13_0"), {
    id: "13_0",
    state: "PENDING",
    reason: "DependencyNeverSatisfied",
  });
  assert.equal(states.get("13_1")?.state, "CANCELLED");
  assert.equal(states.size, 3);
});

Deno.test("a submission passes --data as given and starts its tasks in this directory", () => {
  const { steps } = graph();
  const submission = planSubmission(steps, [], {
    settings: defaultSlurmSettings(),
    source: { file: "e.json", data: "../shared/data/acdc" },
    outDir: "out/t",
    backend: "cpu",
  }, "/out/slurm/s2");
  const script = sbatchScript(submission.jobs[0].spec);
  assert.match(script, / --data \.\.\/shared\/data\/acdc$/m);
  assert.match(script, new RegExp(`--chdir=${Deno.cwd().replaceAll("/", "\\/")}`));
});
