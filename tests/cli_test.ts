import assert from "node:assert/strict";

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
  const result = await cli("run", path);
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
  const result = await cli("plugins");
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
    ]
  ) {
    assert.ok(result.stdout.includes(line), `missing ${line}`);
  }
  assert.match(result.stdout, /size: integer = 12/);
});

Deno.test("cli: plan lists shared steps and cells still to do", async () => {
  const out = await Deno.makeTempDir();
  const result = await cli("plan", "--out", out, "--backend", "cpu");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /to do {2}classifier tiny-cnn seed 1/);
  assert.match(result.stdout, /to do {2}segmenter 1Ch\+CAM\* @ 25% seed 1/);
  assert.match(result.stdout, /\d+ of \d+ steps to compute/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("cli: plan --json prints every step with the settings its id hashes", async () => {
  const out = await Deno.makeTempDir();
  const result = await cli("plan", "--json", "--out", out, "--backend", "cpu");
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
  const result = await cli("schema", "--out", path);
  assert.equal(result.code, 0, result.stderr);
  const schema = JSON.parse(await Deno.readTextFile(path));
  assert.equal(schema.type, "object");
  assert.ok(JSON.stringify(schema).includes('"const":"tiny-unet"'));
  await Deno.remove(path);
});
