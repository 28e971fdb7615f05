/**
 * `experiment run` seen from outside, on bad folders and bad data: exit codes, one-line
 * messages, what reaches the terminal and what the step logs keep. These tests use only the
 * CLI, so they read the same on any version of the code.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir, writeTrainableH5Layout } from "./acdc_fixtures.ts";
import {
  cliArgs,
  isOneLineError,
  runCli,
  spawnCli,
  tinyExperiment,
  waitUntil,
  writeExperiment,
} from "./helpers/cli_process.ts";
import { canUnshare, runInNamespace } from "./helpers/namespace.ts";

/** Runs `run` on an --out inside a namespace set up by `setup`; NOT RUN without unshare. */
async function runWithOut(
  name: string,
  setup: (dir: string) => string,
  out: (dir: string) => string,
) {
  if (!(await canUnshare())) {
    console.log(`${name}: NOT RUN, unshare -rm (user and mount namespaces) is not available`);
    return undefined;
  }
  const dir = await Deno.makeTempDir();
  const file = await writeExperiment(dir, tinyExperiment());
  const command = [Deno.execPath(), ...cliArgs("run", file, "--out", out(dir))];
  return { dir, result: await runInNamespace(setup(dir), command) };
}

async function stepLog(out: string, kind: string): Promise<string> {
  const names = [...Deno.readDirSync(join(out, "logs"))].map((e) => e.name);
  return await Deno.readTextFile(join(out, "logs", names.find((n) => n.startsWith(`${kind}-`))!));
}

Deno.test("run: a read-only --out is one line naming the folder, before any step", async () => {
  const got = await runWithOut(
    "read-only --out",
    (dir) => `mkdir ${dir}/ro && mount -t tmpfs -o ro tmpfs ${dir}/ro`,
    (dir) => `${dir}/ro/out`,
  );
  if (!got) return;
  const { dir, result } = got;
  assert.equal(result.code, 1, result.stderr);
  assert.ok(isOneLineError(result.stderr), result.stderr);
  assert.match(result.stderr, new RegExp(`error: ${dir}/ro/out: read-only file system`));
  assert.doesNotMatch(result.stderr, /\[1\//, "no step started");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run: a full disk stops the run with one line naming the file", async () => {
  const got = await runWithOut(
    "full disk",
    (dir) => `mkdir ${dir}/small && mount -t tmpfs -o size=24k tmpfs ${dir}/small`,
    (dir) => `${dir}/small/out`,
  );
  if (!got) return;
  const { dir, result } = got;
  assert.equal(result.code, 1, result.stderr);
  assert.ok(isOneLineError(result.stderr), result.stderr);
  assert.match(result.stderr, new RegExp(`error: ${dir}/small/out/\\S+: no space left on device`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run: an --out without write permission is one line naming the folder", async () => {
  const dir = await Deno.makeTempDir();
  const locked = join(dir, "locked");
  await Deno.mkdir(locked, { mode: 0o555 });
  await Deno.chmod(locked, 0o555);
  const file = await writeExperiment(dir, tinyExperiment());
  const command = [Deno.execPath(), ...cliArgs("run", file, "--out", join(locked, "out"))];
  let result;
  if (Deno.uid() === 0) {
    // Root ignores modes: hand the folder to a user the namespace does not map.
    if (!(await canUnshare())) {
      console.log("permission denied: NOT RUN, running as root and unshare -rm is not available");
      return;
    }
    await Deno.chown(locked, 65534, 65534);
    result = await runInNamespace("true", command);
  } else {
    result = await runCli("run", file, "--out", join(locked, "out"));
  }
  assert.equal(result.code, 1, result.stderr);
  assert.ok(isOneLineError(result.stderr), result.stderr);
  assert.match(result.stderr, new RegExp(`error: ${locked}/out: permission denied`));
  await Deno.chmod(locked, 0o755);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run: a second run on the same --out exits at once naming the first", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "out");
  // The first run trains long enough to still hold the folder when the second starts.
  const long = { epochs: 500, batchSize: 8, learningRate: 0.01 };
  const slow = await writeExperiment(
    dir,
    tinyExperiment({
      segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training: long },
    }),
    "slow.json",
  );
  const first = spawnCli("run", slow, "--out", out);
  try {
    const started = () => Deno.stat(join(out, "logs")).then(() => true, () => false);
    assert.ok(await waitUntil(started, 120_000), "the first run started a step");
    const second = await runCli("run", slow, "--out", out);
    assert.equal(second.code, 75, second.stderr);
    assert.match(second.stderr, new RegExp(`${out} is in use by another run: pid ${first.pid}`));
    assert.doesNotMatch(second.stderr, /\[1\//, "the second run computed nothing");
  } finally {
    try {
      first.kill("SIGKILL");
    } catch { /* it has ended already */ }
    await first.status;
  }
  // Killed with -9, the first run left its lock behind: the next run takes it over, saying so.
  const third = await runCli("run", await writeExperiment(dir, tinyExperiment()), "--out", out);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, new RegExp(`stale lock of pid ${first.pid} .*process is gone`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run: a truncated h5 is one message on the terminal; HDF5's stack goes to the step log", async () => {
  await withTempDir(async (root) => {
    const [name] = await writeTrainableH5Layout(root);
    const volume = join(root, "h5", `${name}.h5`);
    await Deno.writeFile(volume, (await Deno.readFile(volume)).subarray(0, 1200));
    const out = join(root, "out");
    const experiment = tinyExperiment({ dataset: { plugin: "acdc-h5", options: { root } } });
    const result = await runCli("run", await writeExperiment(root, experiment), "--out", out);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`${volume}: cannot .*corrupt or truncated`));
    assert.doesNotMatch(result.stderr + result.stdout, /HDF5-DIAG|H5F\.c line/);
    assert.match(
      await stepLog(out, "data"),
      new RegExp(`HDF5 on ${volume}:\\n\\s*HDF5-DIAG: Error detected in HDF5`),
    );
  });
});
