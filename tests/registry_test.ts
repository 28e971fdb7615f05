import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError } from "../core/util/errors.ts";
import { definePlugin } from "../core/plugin/plugin.ts";
import { Registry } from "../core/plugin/registry.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;

function postprocess(name: string) {
  return definePlugin({
    kind: "postprocess",
    name,
    description: "identity",
    version: "1",
    options: z.strictObject({ strength: z.number().min(0).default(1) }),
    create: () => ({ apply: (map) => map }),
  });
}

Deno.test("registry registers, lists and finds plugins", () => {
  const registry = new Registry([postprocess("b"), postprocess("a")]);
  assert.deepEqual(registry.list("postprocess").map((p) => p.name), ["a", "b"]);
  assert.equal(registry.get("postprocess", "a").name, "a");
  assert.equal(registry.has("xai", "a"), false);
});

Deno.test("registry rejects duplicate names within a kind", () => {
  const registry = new Registry([postprocess("same")]);
  assert.throws(() => registry.register(postprocess("same")), {
    name: "ConfigError",
    message: /duplicate postprocess plugin "same"/,
  });
});

Deno.test("unknown plugin names the kind and lists the registered ones", () => {
  const registry = new Registry([postprocess("smooth"), postprocess("sharpen")]);
  assert.throws(() => registry.get("postprocess", "blur"), {
    message: 'unknown postprocess plugin "blur" (registered: sharpen, smooth)',
  });
});

Deno.test("registry rejects objects that are not plugins", () => {
  const registry = new Registry();
  const bad = { ...postprocess("x"), kind: "painter", create: 3 } as unknown as ReturnType<
    typeof postprocess
  >;
  assert.throws(() => registry.register(bad), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /kind must be one of dataset/);
    assert.match(error.message, /create must be a function/);
    return true;
  });
});

Deno.test("parseOptions fills defaults and reports bad options with their path", () => {
  const registry = new Registry([postprocess("p")]);
  assert.deepEqual(registry.parseOptions("postprocess", "p", {}, "x.options"), { strength: 1 });
  assert.throws(() => registry.parseOptions("postprocess", "p", { strength: -1 }, "x.options"), {
    message: /^x\.options\.strength: too small/,
  });
});

Deno.test("loadModules registers an external plugin file by relative path", async () => {
  const registry = new Registry();
  const loaded = await registry.loadModules(["./external_cam.ts"], fixtures);
  assert.deepEqual(loaded.map((p) => `${p.kind}:${p.name}`), ["xai:mean-activation"]);
  assert.ok(registry.has("xai", "mean-activation"));
});

Deno.test("loadModules explains a missing module and a module without plugins", async () => {
  const registry = new Registry();
  await assert.rejects(registry.loadModules(["./missing_plugin.ts"], fixtures), {
    name: "ConfigError",
    message: /plugins: cannot load "\.\/missing_plugin\.ts"/,
  });
  await assert.rejects(registry.loadModules(["./not_a_plugin.ts"], fixtures), {
    message: /plugins: "\.\/not_a_plugin\.ts" exports no plugin/,
  });
});
