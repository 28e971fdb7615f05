import assert from "node:assert/strict";
import { join } from "node:path";
import { ArtifactStore } from "../core/run/artifact_store.ts";
import { formatVerifyReport, verifyOutput } from "../core/run/verify_output.ts";
import { runCli, tinyExperiment, writeExperiment } from "./helpers/cli_process.ts";

const describe = (kind: string, deps: string[] = []) => ({
  kind,
  label: `${kind} step`,
  settings: {},
  deps,
});

async function fakeOutput() {
  const out = await Deno.makeTempDir();
  const store = new ArtifactStore(join(out, "artifacts"));
  const write = (text: string) => (dir: string) => Deno.writeTextFile(join(dir, "a.txt"), text);
  await store.commit("data-1", describe("data"), write("data"));
  await store.commit("split-1", describe("split", ["data-1"]), write("split"));
  return { out, store, write };
}

Deno.test("verifyOutput: all ok, then an outdated dependant, leftovers and incomplete folders", async () => {
  const { out, store, write } = await fakeOutput();
  const good = await verifyOutput(out);
  assert.ok(good.ok);
  assert.deepEqual(good.artifacts.map((a) => [a.id, a.status]), [["data-1", "ok"], [
    "split-1",
    "ok",
  ]]);
  // data recomputed with other content: the split was computed from the earlier one.
  await Deno.remove(store.dir("data-1"), { recursive: true });
  await store.commit("data-1", describe("data"), write("other data"));
  await Deno.mkdir(join(store.root, ".segmenter-1.tmp-abc"));
  await Deno.mkdir(join(store.root, "cam-1"));
  const report = await verifyOutput(out);
  assert.ok(!report.ok);
  assert.deepEqual(report.artifacts.map((a) => [a.id, a.status]), [
    ["cam-1", "incomplete"],
    ["data-1", "ok"],
    ["split-1", "outdated"],
  ]);
  assert.deepEqual(report.leftovers, [".segmenter-1.tmp-abc"]);
  const text = formatVerifyReport(report);
  assert.match(
    text,
    /OUTDATED\s+split-1\s+split step: manifest\.json: computed from an earlier data step \(data-1\)/,
  );
  assert.match(text, /3 artifacts in .*: 1 ok, 0 damaged, 1 outdated, 1 incomplete/);
  assert.match(text, /1 temporary folders of interrupted steps/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("cli verify: a finished run is all ok; a damaged file is named and exits 1", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "out");
  const file = await writeExperiment(dir, tinyExperiment());
  assert.equal((await runCli("run", file, "--out", out)).code, 0);
  const good = await runCli("verify", out);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  const lines = good.stdout.trim().split("\n");
  assert.equal(lines.filter((l) => l.startsWith("ok ")).length, 3, good.stdout);
  assert.match(good.stdout, /3 artifacts in .*: 3 ok, 0 damaged, 0 outdated, 0 incomplete/);

  const data = lines.find((l) => / data tiny$/.test(l))!.split(/\s+/)[1];
  const images = join(out, "artifacts", data, "images.f32");
  const bytes = await Deno.readFile(images);
  bytes[100] ^= 1;
  await Deno.writeFile(images, bytes);
  const bad = await runCli("verify", out);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stdout,
    new RegExp(`DAMAGED\\s+${data}\\s+data tiny: images\\.f32: checksum mismatch`),
  );
  assert.match(bad.stdout, /2 ok, 1 damaged/);
  await Deno.remove(dir, { recursive: true });
});
