import assert from "node:assert/strict";

import { cliInProcess as inProcess } from "./helpers/cli_in_process.ts";

const root = new URL("../", import.meta.url).pathname;

async function cli(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function tempExperiment(change: (file: Record<string, unknown>) => void) {
  const file = JSON.parse(await Deno.readTextFile(`${root}experiments/quickstart.json`));
  change(file);
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(file));
  return path;
}

Deno.test("cli: a bad experiment file exits 2 naming the path and the problem", async () => {
  const path = await tempExperiment((f) =>
    (f.grid as { sampleSizes: number[] }).sampleSizes = [100, 50, 140]
  );
  const result = await inProcess("run", path);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /grid\.sampleSizes\[2\]: expected a number between 1 and 100, got 140/,
  );
  assert.ok(result.stderr.includes(path));
  await Deno.remove(path);
});

Deno.test("cli: unknown commands, flags and backends exit 2", async () => {
  assert.equal((await cli("frobnicate")).code, 2);
  const flag = await cli("run", "--colour");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /colour/);
  const backend = await cli("plan", "--backend", "quantum");
  assert.equal(backend.code, 2);
  assert.match(
    backend.stderr,
    /unknown backend plugin "quantum" \(registered: cpu, tensorflow, wasm, webgpu\)/,
  );
});

Deno.test("cli: plugins lists every kind with options", async () => {
  const result = await inProcess("plugins");
  assert.equal(result.code, 0);
  for (
    const line of [
      "backend:",
      "  wasm",
      "classifier:",
      "  tiny-cnn",
      "xai:",
      "  gradcam",
      "postprocess:",
      "  mode-filter",
      "segmenter:",
      "  tiny-unet",
      "dataset:",
      "  tiny",
      "executor: (runs the steps of a plan)",
      "  local",
      "  slurm",
    ]
  ) {
    assert.ok(result.stdout.includes(line), `missing ${line}`);
  }
  assert.match(result.stdout, /size: integer = 12/);
});

Deno.test("cli: plan lists shared steps and cells still to do", async () => {
  const out = await Deno.makeTempDir();
  const result = await inProcess("plan", "--out", out, "--backend", "cpu", "--no-estimate");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /to do {2}classifier tiny-cnn seed 1/);
  assert.match(result.stdout, /to do {2}segmenter 1Ch\+CAM\* @ 25% seed 1/);
  assert.match(result.stdout, /\d+ of \d+ steps to compute/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("cli: plan --json prints every step with the settings its id hashes", async () => {
  const out = await Deno.makeTempDir();
  const result = await cli("plan", "--json", "--out", out, "--backend", "cpu", "--no-estimate");
  assert.equal(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout);
  assert.equal(plan.backend, "cpu");
  const cell = plan.steps.find((s: { kind: string }) => s.kind === "segmenter");
  assert.equal(cell.status, "to do");
  assert.equal(cell.settings.training.loss, "crossentropy+dice");
  assert.equal(cell.settings.backend, "cpu");
  const prior = plan.steps.find((s: { kind: string }) => s.kind === "prior");
  assert.deepEqual(prior.settings.chain, [
    { plugin: "mode-filter", version: "1", options: { size: 5 } },
  ]);
  assert.equal(plan.cells.length, 9);
  await Deno.remove(out, { recursive: true });
});

Deno.test("cli: schema writes a JSON Schema naming the plugins", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  const result = await inProcess("schema", "--out", path);
  assert.equal(result.code, 0, result.stderr);
  const schema = JSON.parse(await Deno.readTextFile(path));
  assert.equal(schema.type, "object");
  assert.ok(JSON.stringify(schema).includes('"const":"tiny-unet"'));
  await Deno.remove(path);
});

Deno.test("cli: each command has its own --help; help <command> and -h work", async () => {
  const plan = await inProcess("plan", "--help");
  assert.equal(plan.code, 0);
  assert.match(plan.stdout, /^usage: deno task experiment plan \[file\] \[flags\]/);
  assert.match(plan.stdout, /--no-estimate/);
  assert.ok(!plan.stdout.includes("--dry-run"), "plan help lists only plan's flags");
  const run = await inProcess("help", "run");
  assert.match(run.stdout, /--progress-every <seconds>/);
  assert.match(run.stdout, /--set <path=value>/);
  const global = await inProcess("-h");
  assert.match(global.stdout, /commands:\n {2}run \[file\]/);
  assert.match(global.stdout, /status <out>/);
});

Deno.test("cli: did you mean, for commands, flags and plugin names", async () => {
  const command = await inProcess("pln");
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command "pln" \(did you mean "plan"\?\)/);
  const flag = await inProcess("run", "--bakend", "cpu");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown flag --bakend \(did you mean --backend\?\)/);
  const elsewhere = await inProcess("plan", "--dry-run");
  assert.match(elsewhere.stderr, /--dry-run is not a flag of "plan"/);
  const plugin = await inProcess("plan", "--no-estimate", "--set", "xai=gradcma");
  assert.equal(plugin.code, 2);
  assert.match(
    plugin.stderr,
    /unknown xai plugin "gradcma" \(did you mean "gradcam"\? registered:/,
  );
  assert.equal(plugin.stderr.match(/gradcma/g)?.length, 2, "the problem is reported once");
  const field = await inProcess("plan", "--no-estimate", "--set", "segmenter.trainig.epochs=2");
  assert.match(field.stderr, /unknown field "trainig" \(did you mean "training"\?\)/);
});

Deno.test("cli: a file as first argument runs it (experiment <file> = run <file>)", async () => {
  const help = await inProcess("experiments/acdc.json", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: deno task experiment run/);
  const missing = await inProcess("experiments/nope.json");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read experiment file experiments\/nope\.json/);
});

Deno.test("cli: plugins <file> lists the file's own plugins with option descriptions", async () => {
  const result = await inProcess("plugins", "experiments/custom-cam.json");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /experiments\/custom-cam\.json loads: xai my-eigencam/);
  assert.match(result.stdout, / {2}my-eigencam \(v\d+\) \[from \.\/my_eigencam\.ts\]/);
  assert.match(result.stdout, /target: integer {2}Grad-CAM target/);
  assert.ok(!(await inProcess("plugins")).stdout.includes("my-eigencam"));
});

Deno.test("cli: status of a missing folder says so", async () => {
  const result = await inProcess("status", "/nonexistent/camprior-out");
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no output folder \/nonexistent\/camprior-out/);
  const usage = await inProcess("status");
  assert.match(usage.stderr, /status: which output folder\?/);
});

Deno.test("cli: --set is checked before anything runs", async () => {
  const result = await inProcess("run", "--set", "grid.sampleSizes=[0]");
  assert.equal(result.code, 2);
  assert.match(result.stderr, /with --set grid\.sampleSizes=\[0\]/);
  assert.match(result.stderr, /grid\.sampleSizes\[0\]: expected a number between 1 and 100, got 0/);
  const malformed = await inProcess("plan", "--set", "epochs");
  assert.match(malformed.stderr, /--set epochs: expected path=value/);
});

Deno.test("cli: predict and explain have their own help and name what is missing", async () => {
  const help = await inProcess("predict", "--help");
  assert.match(help.stdout, /^usage: deno task experiment predict <out> \[flags\]/);
  assert.match(help.stdout, /--cell <cell>/);
  assert.match((await inProcess("explain", "-h")).stdout, /--classifier <step-id\|dir>/);
  const noOut = await inProcess("predict", "--cell", "1Ch@100%");
  assert.match(noOut.stderr, /predict: which output folder\?/);
});

Deno.test("cli: --jobs takes a whole number or auto, for the local executor only", async () => {
  const zero = await inProcess("run", "--jobs", "0");
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--jobs: expected a whole number of at least 1 or auto, got "0"/);
  const slurm = await inProcess("run", "--executor", "slurm", "--jobs", "2");
  assert.equal(slurm.code, 2);
  assert.match(slurm.stderr, /--jobs runs steps in a pool .*executor is slurm/);
  const plan = await inProcess("plan", "--jobs", "2");
  assert.match(plan.stderr, /--jobs is not a flag of "plan"/);
});
