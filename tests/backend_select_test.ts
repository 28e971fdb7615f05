import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import {
  type AdapterFinder,
  findWebGpuAdapter,
  pickBackendName,
  resolveBackend,
} from "../core/backend/select.ts";
import { CampriorError, ConfigError } from "../core/util/errors.ts";
import { definePlugin } from "../core/plugin/plugin.ts";
import { Registry } from "../core/plugin/registry.ts";
import { activateBackend } from "../core/backend/activate.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { testContext } from "./backend_parity.ts";

/** A backend plugin that records that it was created, or fails when `fails` is set. */
function fakeBackend(name: string, created: string[], fails = false) {
  return definePlugin({
    kind: "backend",
    name,
    description: `fake ${name}`,
    version: "0",
    options: z.strictObject({}),
    create() {
      if (fails) throw new CampriorError(`${name} exploded`);
      created.push(name);
      return { tfBackend: name, description: `fake ${name}` };
    },
  });
}

function adapterFinder(isFallbackAdapter: boolean | null): AdapterFinder {
  const adapter = { info: { isFallbackAdapter } } as unknown as GPUAdapter;
  return () => Promise.resolve(isFallbackAdapter === null ? null : adapter);
}

/** Resolves `auto` against fake wasm and webgpu plugins; returns what was created. */
async function resolveAuto(finder: AdapterFinder, webgpu: "ok" | "fails" | "absent") {
  const created: string[] = [];
  const plugins = [fakeBackend("wasm", created)];
  if (webgpu !== "absent") plugins.push(fakeBackend("webgpu", created, webgpu === "fails"));
  const ctx = testContext();
  const resolved = await resolveBackend("auto", new Registry(plugins), ctx, finder);
  return { resolved, created, warnings: ctx.log.lines };
}

Deno.test("auto picks webgpu on a hardware adapter", async () => {
  const { resolved, created } = await resolveAuto(adapterFinder(false), "ok");
  assert.equal(resolved.name, "webgpu");
  assert.deepEqual(created, ["webgpu"]);
});

Deno.test("auto picks wasm without an adapter, on a software adapter, or without webgpu", async () => {
  for (
    const [finder, webgpu] of [
      [adapterFinder(null), "ok"],
      [adapterFinder(true), "ok"],
      [adapterFinder(false), "absent"],
    ] as const
  ) {
    const { resolved, created } = await resolveAuto(finder, webgpu);
    assert.equal(resolved.name, "wasm");
    assert.deepEqual(created, ["wasm"]);
  }
});

Deno.test("auto falls back to wasm with a warning when webgpu fails", async () => {
  const { resolved, warnings } = await resolveAuto(adapterFinder(false), "fails");
  assert.equal(resolved.name, "wasm");
  assert.match(warnings.join("\n"), /webgpu failed \(webgpu exploded\); using wasm/);
});

Deno.test("pickBackendName names the backend without starting it", async () => {
  const registry = new Registry(backendPlugins);
  assert.equal(await pickBackendName("cpu", registry), "cpu");
  assert.equal(await pickBackendName("auto", registry, adapterFinder(false)), "webgpu");
  assert.equal(await pickBackendName("auto", registry, adapterFinder(true)), "wasm");
  await assert.rejects(() => pickBackendName("tpu", registry), ConfigError);
});

Deno.test("named backends start for real; unknown names list the known ones", async () => {
  const registry = new Registry(backendPlugins);
  const cpu = await resolveBackend("cpu", registry, testContext());
  assert.deepEqual([cpu.name, cpu.tfBackend, tf.getBackend()], ["cpu", "cpu", "cpu"]);
  await assert.rejects(
    () => resolveBackend("tpu", registry, testContext()),
    (error) =>
      error instanceof ConfigError &&
      error.message.includes('unknown backend plugin "tpu"') &&
      error.message.includes("cpu, tensorflow, wasm, webgpu"),
  );
});

Deno.test("auto with the real plugins starts the backend the machine supports", async () => {
  const adapter = await findWebGpuAdapter();
  const expected = adapter && !adapter.info.isFallbackAdapter ? "webgpu" : "wasm";
  const resolved = await resolveBackend("auto", new Registry(backendPlugins), testContext());
  assert.equal(resolved.name, expected);
  assert.equal(tf.getBackend(), expected);
});

Deno.test("activateBackend reports backends that do not start", async () => {
  await activateBackend("cpu");
  await assert.rejects(
    () => activateBackend("no-such-backend"),
    (error) => error instanceof CampriorError && /"no-such-backend" failed/.test(error.message),
  );
  tf.registerBackend("broken", () => {
    throw new Error("boom");
  });
  tf.registerBackend("broken-async", () => Promise.reject(new Error("async boom")));
  try {
    for (const name of ["broken", "broken-async"]) {
      await assert.rejects(
        () => activateBackend(name),
        (error) => error instanceof CampriorError && error.message.includes(`"${name}" failed`),
      );
      assert.equal(tf.getBackend(), "cpu", "a failed start must leave the old backend active");
    }
  } finally {
    tf.removeBackend("broken");
    tf.removeBackend("broken-async");
  }
});
