import assert from "node:assert/strict";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  ArtifactStore,
  digestOf,
  MANIFEST,
  type Manifest,
  readJson,
  verifyFolder,
} from "../core/run/artifact_store.ts";

const describe = (deps: string[] = []) => ({ kind: "data", label: "data t", settings: {}, deps });

async function storeWithArtifact() {
  const store = new ArtifactStore(await Deno.makeTempDir());
  await store.commit("data-1", describe(), async (dir) => {
    await Deno.writeFile(join(dir, "images.f32"), new Uint8Array(256).fill(7));
    await Deno.mkdir(join(dir, "model"));
    await Deno.writeTextFile(join(dir, "model", "model.json"), '{"a":1}');
  });
  return store;
}

async function flipBytes(path: string, offset: number, count: number) {
  const bytes = await Deno.readFile(path);
  for (let i = offset; i < offset + count; i++) bytes[i] ^= 0xff;
  await Deno.writeFile(path, bytes);
}

Deno.test("commit records size and SHA-256 of every file, a digest and a self-checksum", async () => {
  const store = await storeWithArtifact();
  const manifest = await store.manifest("data-1");
  assert.deepEqual(Object.keys(manifest.files), ["images.f32", "model/model.json"]);
  assert.equal(manifest.files["images.f32"].bytes, 256);
  assert.match(manifest.files["images.f32"].sha256, /^[0-9a-f]{64}$/);
  assert.equal(manifest.digest, digestOf(manifest.files));
  assert.match(manifest.check, /^[0-9a-f]{64}$/);
  assert.deepEqual(await store.verify("data-1"), { status: "ok", manifest });
  assert.deepEqual(await store.verify("data-2"), { status: "missing" });
});

Deno.test("verify names the file: truncated, flipped, missing, added, manifest damaged", async () => {
  const cases: [string, (dir: string) => Promise<void>, string, RegExp][] = [
    [
      "truncated",
      (d) => Deno.truncate(join(d, "images.f32"), 128),
      "images.f32",
      /128 bytes, expected 256/,
    ],
    ["flipped", (d) => flipBytes(join(d, "images.f32"), 10, 4), "images.f32", /checksum mismatch/],
    ["missing", (d) => Deno.remove(join(d, "model", "model.json")), "model/model.json", /missing/],
    [
      "added",
      (d) => Deno.writeTextFile(join(d, "extra.txt"), "x"),
      "extra.txt",
      /not written by the step/,
    ],
    ["manifest garbled", (d) => flipBytes(join(d, MANIFEST), 0, 4), MANIFEST, /not valid JSON/],
    [
      "manifest edited",
      async (d) => {
        const m = JSON.parse(await Deno.readTextFile(join(d, MANIFEST)));
        await Deno.writeTextFile(join(d, MANIFEST), JSON.stringify({ ...m, label: "other" }));
      },
      MANIFEST,
      /own checksum does not match/,
    ],
    [
      "no checksums (older camprior)",
      (d) => Deno.writeTextFile(join(d, MANIFEST), JSON.stringify({ id: "data-1", kind: "data" })),
      MANIFEST,
      /no checksums recorded/,
    ],
  ];
  for (const [name, damage, file, problem] of cases) {
    const store = await storeWithArtifact();
    await damage(store.dir("data-1"));
    const check = await new ArtifactStore(store.root).verify("data-1");
    assert.equal(check.status, "damaged", name);
    if (check.status !== "damaged") continue;
    assert.equal(check.file, file, name);
    assert.match(check.problem, problem, name);
  }
});

Deno.test("inputs record the digests of the dependencies at commit time", async () => {
  const store = await storeWithArtifact();
  await store.commit("split-1", describe(["data-1", "absent-1"]), async (dir) => {
    await Deno.writeTextFile(join(dir, "split.json"), "{}");
  });
  const data = await store.manifest("data-1");
  const split: Manifest = await store.manifest("split-1");
  assert.deepEqual(split.inputs, { "data-1": data.digest });
});

Deno.test("quarantine moves an artifact aside; a new commit then takes its place", async () => {
  const store = await storeWithArtifact();
  await Deno.truncate(join(store.dir("data-1"), "images.f32"), 0);
  const moved = await store.quarantine("data-1");
  assert.ok(moved.startsWith(join(store.root, ".damaged", "data-1.")));
  assert.equal((await verifyFolder(moved)).status, "damaged");
  assert.equal((await store.verify("data-1")).status, "missing");
  await store.commit("data-1", describe(), async (dir) => {
    await Deno.writeTextFile(join(dir, "images.f32"), "new");
  });
  assert.equal((await store.verify("data-1")).status, "ok");
});

Deno.test("readJson names a file that is not valid JSON", async () => {
  const path = await Deno.makeTempFile();
  await Deno.writeTextFile(path, '{"a": 1');
  await assert.rejects(readJson(path), {
    name: "CampriorError",
    message: new RegExp(`${path}: not valid JSON`),
  });
});

Deno.test("removeLeftovers removes temporary folders of dead writers on this host only", async () => {
  const store = await storeWithArtifact();
  const child = new Deno.Command("true").spawn();
  await child.status;
  const host = hostname().replaceAll(/[^A-Za-z0-9.]/g, "_");
  const dead = `.cam-1.tmp-${host}-${child.pid}-abc123`;
  const live = `.cam-2.tmp-${host}-${Deno.pid}-abc123`;
  const remote = `.cam-3.tmp-elsewhere-${child.pid}-abc123`;
  for (const name of [dead, live, remote]) await Deno.mkdir(join(store.root, name));
  assert.deepEqual(await store.removeLeftovers(), [dead]);
  const left = [...Deno.readDirSync(store.root)].map((e) => e.name).sort();
  assert.deepEqual(left, [live, remote, "data-1"].sort());
});

Deno.test("verifiedDir: what loaders read through; a damaged artifact is an error naming the file", async () => {
  const store = await storeWithArtifact();
  assert.equal(await store.verifiedDir("data-1"), store.dir("data-1"));
  const fresh = new ArtifactStore(store.root);
  await flipBytes(join(store.dir("data-1"), "images.f32"), 0, 1);
  await assert.rejects(
    fresh.verifiedDir("data-1"),
    /artifact data t \(data-1\) is damaged: images\.f32: checksum mismatch/,
  );
  await assert.rejects(fresh.verifiedDir("cam-9"), /artifact cam-9 is not finished/);
});
