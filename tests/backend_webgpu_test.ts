import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { findWebGpuAdapter } from "../plugins/backend/webgpu/adapter.ts";
import { CampriorError } from "../core/util/errors.ts";
import {
  describeAdapter,
  NO_ADAPTER_MESSAGE,
  requireWebGpuAdapter,
  webgpuBackendPlugin,
} from "../plugins/backend/webgpu.ts";
import { againstCpu, assertParity, parityRun, testContext } from "./backend_parity.ts";

/** A stand-in adapter carrying only `info`. */
function fakeAdapter(info: Partial<GPUAdapterInfo>): GPUAdapter {
  return { info } as unknown as GPUAdapter;
}

Deno.test("webgpu: no adapter gives a clear error", async () => {
  await assert.rejects(
    () => requireWebGpuAdapter(() => Promise.resolve(null)),
    (error) => error instanceof CampriorError && error.message === NO_ADAPTER_MESSAGE,
  );
  assert.match(NO_ADAPTER_MESSAGE, /mesa-vulkan-drivers.*--backend wasm/);
});

Deno.test("webgpu: adapter description", () => {
  assert.equal(
    describeAdapter(fakeAdapter({ description: "llvmpipe (LLVM 15)", isFallbackAdapter: true })),
    "llvmpipe (LLVM 15) (fallback adapter)",
  );
  assert.equal(
    describeAdapter(fakeAdapter({ description: "", vendor: "nvidia", device: "h100" })),
    "nvidia h100",
  );
  assert.equal(describeAdapter(fakeAdapter({})), "unnamed adapter");
});

Deno.test("webgpu matches cpu on the parity net; memory flat over Adam steps", async () => {
  const adapter = await findWebGpuAdapter();
  if (!adapter) {
    console.log(
      "webgpu parity: NOT RUN, this machine has no WebGPU adapter (navigator.gpu.requestAdapter() " +
        "gave none); install mesa-vulkan-drivers for llvmpipe to run it",
    );
    return;
  }
  let description = "";
  const ctx = testContext();
  const { actual, reference } = await againstCpu(async () => {
    const instance = await webgpuBackendPlugin.create({ kernels: "custom" }, ctx);
    assert.equal(tf.getBackend(), "webgpu");
    assert.equal(instance.tfBackend, "webgpu");
    description = instance.description;
  }, parityRun);
  assert.equal(description, `webgpu on ${describeAdapter(adapter)}, custom kernels`);
  const warned = ctx.log.lines.some((line) => line.includes("software adapter"));
  assert.equal(warned, adapter.info.isFallbackAdapter, `warnings: ${ctx.log.lines}`);
  const worst = assertParity(actual, reference, "webgpu");
  console.log(`${description} vs cpu: worst relative gradient error ${worst.toExponential(1)}`);
});
