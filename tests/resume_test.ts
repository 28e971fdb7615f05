import assert from "node:assert/strict";
import { join } from "node:path";

// Kills a real `experiment run` process (SIGKILL, no cleanup) at several points, then
// checks that re-runs finish the grid, recompute only unfinished steps, and give the same
// results as an uninterrupted run.

const root = new URL("../", import.meta.url).pathname;
const training = { epochs: 2, batchSize: 8, learningRate: 0.01 };
const experiment = {
  name: "resume-test",
  backend: "cpu",
  dataset: { plugin: "tiny", options: { patientsPerGroup: 5, size: 16 } },
  preprocess: { size: 16 },
  classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
  priors: { CAM: {} },
  segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
  grid: { channels: ["1Ch", "1Ch+CAM"], sampleSizes: [100, 50] },
};

function spawnRun(file: string, out: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli.ts", "run", file, "--out", out],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Finished artifacts: id → finish time from the manifest. */
async function finished(out: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  try {
    for await (const entry of Deno.readDir(join(out, "artifacts"))) {
      // `.<id>.tmp-…`: a folder being written; a kill can leave one with its manifest.
      if (entry.name.startsWith(".")) continue;
      try {
        const text = await Deno.readTextFile(join(out, "artifacts", entry.name, "manifest.json"));
        found.set(entry.name, JSON.parse(text).finishedAt);
      } catch { /* not finished */ }
    }
  } catch { /* no artifacts yet */ }
  return found;
}

/** Runs until `count` artifacts exist (or the run ends), then kills it with SIGKILL. */
async function runAndKillAfter(file: string, out: string, count: number): Promise<void> {
  const child = spawnRun(file, out);
  let exited = false;
  child.status.then(() => exited = true);
  while (!exited && (await finished(out)).size < count) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!exited) child.kill("SIGKILL");
  await child.status;
}

async function metrics(out: string) {
  const results = JSON.parse(await Deno.readTextFile(join(out, "report", "results.json")));
  return results.map((
    r: { recipe: string; sampleSize: number; meanIoUWithBackground: number },
  ) => [r.recipe, r.sampleSize, r.meanIoUWithBackground]);
}

Deno.test("a run killed at several points resumes, recomputing only unfinished steps", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "experiment.json");
  await Deno.writeTextFile(file, JSON.stringify(experiment));
  const reference = join(dir, "reference");
  assert.equal((await spawnRun(file, reference).status).code, 0);

  const out = join(dir, "killed");
  // Steps: data, split, segmenter 1Ch@100, classifier, cam, 3 more segmenters = 8.
  for (const killAfter of [1, 4, 6]) {
    const before = await finished(out);
    await runAndKillAfter(file, out, killAfter);
    const after = await finished(out);
    for (const [id, time] of before) assert.equal(after.get(id), time, `${id} was recomputed`);
  }
  const before = await finished(out);
  assert.ok(before.size < 8, `the kills left work to do (${before.size} of 8 done)`);
  assert.equal((await spawnRun(file, out).status).code, 0);
  const after = await finished(out);
  assert.equal(after.size, 8);
  for (const [id, time] of before) assert.equal(after.get(id), time, `${id} was recomputed`);
  assert.deepEqual(await metrics(out), await metrics(reference));
  await Deno.remove(dir, { recursive: true });
});
