import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { pickBackendName, resolveBackend } from "../core/backend/select.ts";
import type { ResolvedRef } from "../core/config/experiment.ts";
import { CampriorError, ConfigError } from "../core/util/errors.ts";
import { definePlugin } from "../core/plugin/plugin.ts";
import { Registry } from "../core/plugin/registry.ts";
import { activateBackend } from "../core/backend/activate.ts";
import { backendPlugins } from "../plugins/backend/mod.ts";
import { findWebGpuAdapter, webgpuAvailability } from "../plugins/backend/webgpu/adapter.ts";
import { testContext } from "./backend_parity.ts";

const AUTO: ResolvedRef = { plugin: "auto", options: {} };
const named = (plugin: string, options: Record<string, unknown> = {}) => ({ plugin, options });

/**
 * A backend plugin that records what was created with which options; it fails when `fails`
 * is set, and reports `availability` when given.
 */
function fakeBackend(
  name: string,
  created: string[],
  availability?: { available: boolean; priority: number },
  fails = false,
) {
  return definePlugin({
    kind: "backend",
    name,
    description: `fake ${name}`,
    version: "0",
    options: z.strictObject({ level: z.number().default(1) }),
    ...(availability ? { availability: () => Promise.resolve(availability) } : {}),
    create({ level }) {
      if (fails) throw new CampriorError(`${name} exploded`);
      created.push(`${name}:${level}`);
      return { tfBackend: name, description: `fake ${name}` };
    },
  });
}

function adapter(isFallbackAdapter: boolean | null) {
  const found = { info: { isFallbackAdapter } } as unknown as GPUAdapter;
  return () => Promise.resolve(isFallbackAdapter === null ? null : found);
}

Deno.test("auto starts the available backend of highest priority", async () => {
  const created: string[] = [];
  const registry = new Registry([
    fakeBackend("slow", created, { available: true, priority: 0 }),
    fakeBackend("fast", created, { available: true, priority: 20 }),
    fakeBackend("absent", created, { available: false, priority: 99 }),
    fakeBackend("named-only", created),
  ]);
  const resolved = await resolveBackend(AUTO, registry, testContext());
  assert.equal(resolved.name, "fast");
  assert.deepEqual(created, ["fast:1"]);
  assert.equal(await pickBackendName(AUTO, registry), "fast");
  assert.deepEqual(created, ["fast:1"], "picking a name starts nothing");
});

Deno.test("auto falls back to the next backend with a warning when the best fails", async () => {
  const created: string[] = [];
  const registry = new Registry([
    fakeBackend("wasm", created, { available: true, priority: 10 }),
    fakeBackend("webgpu", created, { available: true, priority: 20 }, true),
  ]);
  const ctx = testContext();
  const resolved = await resolveBackend(AUTO, registry, ctx);
  assert.equal(resolved.name, "wasm");
  assert.match(ctx.log.lines.join("\n"), /webgpu failed \(webgpu exploded\); using wasm/);
});

Deno.test("auto with no available backend says to name one", async () => {
  const registry = new Registry([fakeBackend("named-only", [])]);
  await assert.rejects(
    () => resolveBackend(AUTO, registry, testContext()),
    /name one with --backend/,
  );
});

Deno.test("a named backend starts with its options, validated by its schema", async () => {
  const created: string[] = [];
  const registry = new Registry([fakeBackend("fake", created)]);
  await resolveBackend(named("fake", { level: 3 }), registry, testContext());
  assert.deepEqual(created, ["fake:3"]);
  await assert.rejects(
    () => resolveBackend(named("fake", { level: "high" }), registry, testContext()),
    (error) => error instanceof ConfigError && /backend "fake" options\.level/.test(error.message),
  );
});

Deno.test("webgpu ranks above wasm on a hardware adapter only; cpu ranks last", async () => {
  assert.deepEqual(await webgpuAvailability(adapter(false)), { available: true, priority: 20 });
  const software = await webgpuAvailability(adapter(true));
  assert.equal(software.available, true);
  assert.ok(software.priority < 10, "below wasm");
  assert.equal((await webgpuAvailability(adapter(null))).available, false);
  const byName = new Map(backendPlugins.map((p) => [p.name, p]));
  const probe = async (name: string) =>
    await (byName.get(name) as { availability?: () => Promise<{ priority: number }> })
      .availability?.();
  assert.equal((await probe("wasm"))?.priority, 10);
  assert.equal((await probe("cpu"))?.priority, 0);
  assert.equal(await probe("tensorflow"), undefined, "tensorflow only when named");
});

Deno.test("named backends start for real; unknown names list the known ones", async () => {
  const registry = new Registry(backendPlugins);
  assert.equal(await pickBackendName(named("cpu"), registry), "cpu");
  await assert.rejects(() => pickBackendName(named("tpu"), registry), ConfigError);
  const cpu = await resolveBackend(named("cpu"), registry, testContext());
  assert.deepEqual([cpu.name, cpu.tfBackend, tf.getBackend()], ["cpu", "cpu", "cpu"]);
  await assert.rejects(
    () => resolveBackend(named("tpu"), registry, testContext()),
    (error) =>
      error instanceof ConfigError &&
      error.message.includes('unknown backend plugin "tpu"') &&
      error.message.includes("cpu, tensorflow, wasm, webgpu"),
  );
});

Deno.test("auto with the real plugins starts the backend the machine supports", async () => {
  const adapter = await findWebGpuAdapter();
  const expected = adapter && !adapter.info.isFallbackAdapter ? "webgpu" : "wasm";
  const resolved = await resolveBackend(AUTO, new Registry(backendPlugins), testContext());
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
