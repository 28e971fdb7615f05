import assert from "node:assert/strict";
import { join } from "node:path";
import { cliInProcess } from "./helpers/cli_in_process.ts";

const FILE = new URL("./fixtures/cli_tiny.json", import.meta.url).pathname;

Deno.test("run: progress without a terminal, same step totals on a re-run, snapshot, status", async () => {
  const out = await Deno.makeTempDir();
  const set = ["--set", "segmenter.training.epochs=4", "--set", "grid.sampleSizes=[100,50]"];
  // In this process (--jobs 1): the progress lines during a step are this process's own (a
  // pool's workers write theirs to <out>/logs/<id>.worker.log; tests/local_test.ts).
  set.push("--jobs", "1");
  // The file as first argument is `run <file>`.
  const first = await cliInProcess(FILE, "--out", out, "--progress-every", "0.001", ...set);
  assert.equal(first.code, 0, first.stderr);

  // A line per step with the grid's progress; the ETA appears once a step has been timed.
  assert.match(first.stderr, /^\[1\/\d+\] data tiny · 0\/\d+ steps done, ETA after the first/m);
  assert.match(
    first.stderr,
    /^\[\d+\/\d+\] segmenter 1Ch @ 50% seed 1 · \d+\/\d+ steps done, ~\d+ s left \(ETA \d\d:\d\d\)/m,
  );
  // Lines during a step (here every millisecond), then the step's last line.
  assert.match(first.stderr, /^segmenter 1Ch\+CAM\* @ 100% seed 1: [123]\/4, loss \d/m);
  assert.match(first.stderr, /^segmenter 1Ch\+CAM\* @ 100% seed 1: 4\/4, loss .* \(\d+ s\)$/m);

  const total = Number(
    /^(\d+) steps: \1 computed now, 0 done before; 4 of 4 grid cells done$/m
      .exec(first.stdout)?.[1],
  );
  assert.ok(total > 4, first.stdout);
  // One count across the run's phases (data and split first, then the rest): [1/N] … [N/N].
  const positions = [...first.stderr.matchAll(/^\[(\d+)\/(\d+)\] /gm)];
  assert.deepEqual(positions.map((m) => Number(m[2])), positions.map(() => total));
  assert.deepEqual(positions.map((m) => Number(m[1])), positions.map((_, i) => i + 1));
  const report = /^report: (.*index\.html)$/m.exec(first.stdout)?.[1];
  assert.ok(report && (await Deno.stat(report)).isFile, first.stdout);
  assert.match(first.stdout, new RegExp(`logs: ${out}/logs/<step-id>\\.log`));

  // The snapshot is the file as it ran: overrides applied.
  const snapshot = JSON.parse(await Deno.readTextFile(join(out, "experiment.json")));
  assert.equal(snapshot.segmenter.training.epochs, 4);
  assert.deepEqual(snapshot.grid.sampleSizes, [100, 50]);

  // A manifest times the whole step (what status and the grid's ETA read), not only its writing.
  for await (const entry of Deno.readDir(join(out, "artifacts"))) {
    if (!entry.name.startsWith("segmenter-")) continue;
    const dir = join(out, "artifacts", entry.name);
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
    const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
    assert.ok(manifest.seconds >= metrics.seconds, `${manifest.seconds} < ${metrics.seconds} s`);
  }

  const again = await cliInProcess("run", FILE, "--out", out, ...set);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    new RegExp(`^${total} steps: 0 computed now, ${total} done before;`, "m"),
  );

  const status = await cliInProcess("status", out);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /experiment "cli-tiny" on cpu, started .*, ended /);
  assert.match(status.stdout, /^done {8}segmenter 1Ch\+CAM\* @ 50% seed 1 {2}\(\d+ s\)$/m);
  assert.match(
    status.stdout,
    new RegExp(`^${total} steps: ${total} done; 4 of 4 grid cells done`, "m"),
  );

  // Without the overrides the cells are other steps: to do.
  const plain = await cliInProcess(
    "plan",
    FILE,
    "--out",
    out,
    "--no-estimate",
    "--set",
    "grid.sampleSizes=[100,50]",
  );
  assert.match(plain.stdout, /^to do {2}segmenter 1Ch @ 100% seed 1/m);
  assert.match(plain.stdout, /^done {3}classifier tiny-cnn seed 1/m);
  await Deno.remove(out, { recursive: true });
});
