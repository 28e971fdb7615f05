import assert from "node:assert/strict";
import { withRuntimeDir } from "../plugins/backend/webgpu/adapter.ts";

// Finding a WebGPU adapter on headless Linux made libwayland print "error: XDG_RUNTIME_DIR is
// invalid or not set" at the start of every `backend: auto` run. The probe now runs with a
// private runtime folder when the variable is missing, and leaves the environment as it was.

const ADAPTER = new URL("../plugins/backend/webgpu/adapter.ts", import.meta.url).href;
const linux = Deno.build.os === "linux";

Deno.test("withRuntimeDir: an empty private folder during the probe, nothing left after", async () => {
  const saved = Deno.env.get("XDG_RUNTIME_DIR");
  Deno.env.delete("XDG_RUNTIME_DIR");
  try {
    let seen: string | undefined;
    const result = await withRuntimeDir(async () => {
      seen = Deno.env.get("XDG_RUNTIME_DIR");
      if (seen) assert.deepEqual(await Array.fromAsync(Deno.readDir(seen)), []);
      return 42;
    });
    assert.equal(result, 42);
    if (linux) {
      assert.ok(seen, "XDG_RUNTIME_DIR set during the probe");
      assert.equal(await Deno.stat(seen).catch(() => null), null, "the folder is removed");
    } else assert.equal(seen, undefined);
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), undefined, "the variable is unset again");
    // A failing probe restores the environment too.
    await assert.rejects(withRuntimeDir(() => Promise.reject(new Error("no adapter"))));
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), undefined);
  } finally {
    if (saved !== undefined) Deno.env.set("XDG_RUNTIME_DIR", saved);
  }
});

Deno.test("withRuntimeDir: a runtime folder the user set is used as it is", async () => {
  const saved = Deno.env.get("XDG_RUNTIME_DIR");
  Deno.env.set("XDG_RUNTIME_DIR", "/somewhere/of/mine");
  try {
    const seen = await withRuntimeDir(() => Promise.resolve(Deno.env.get("XDG_RUNTIME_DIR")));
    assert.equal(seen, "/somewhere/of/mine");
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), "/somewhere/of/mine");
  } finally {
    if (saved === undefined) Deno.env.delete("XDG_RUNTIME_DIR");
    else Deno.env.set("XDG_RUNTIME_DIR", saved);
  }
});

Deno.test("findWebGpuAdapter without XDG_RUNTIME_DIR: no libwayland error on stderr", async () => {
  const code = `import { findWebGpuAdapter } from "${ADAPTER}";
    const adapter = await findWebGpuAdapter();
    console.log(adapter ? "adapter" : "none");`;
  const env = { ...Deno.env.toObject() };
  delete env.XDG_RUNTIME_DIR;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [stdout, stderr] = [output.stdout, output.stderr].map((b) => new TextDecoder().decode(b));
  assert.equal(output.code, 0, stderr);
  if (stdout.trim() === "none") {
    console.log("NOT CHECKED: no WebGPU adapter here, so nothing would have printed the error");
  }
  assert.doesNotMatch(stderr, /XDG_RUNTIME_DIR/);
});
