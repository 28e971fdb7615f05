import assert from "node:assert/strict";
import { CampriorError } from "../core/util/errors.ts";
import {
  importTensorflowBinding,
  TENSORFLOW_PACKAGES,
  tensorflowBackendPlugin,
} from "../plugins/backend/tensorflow.ts";
import { testContext } from "./backend_parity.ts";

Deno.test("tensorflow: a clear error when neither tfjs-node package is installed", async () => {
  // Neither package can be installed on the development machines (see docs/gpu.md).
  let error: unknown = null;
  try {
    await tensorflowBackendPlugin.create({}, testContext());
  } catch (e) {
    error = e;
  }
  if (error === null) {
    console.log("tensorflow: a tfjs-node package is installed and started; no error to check");
    return;
  }
  assert.ok(error instanceof CampriorError, String(error));
  for (const name of TENSORFLOW_PACKAGES) assert.ok(error.message.includes(name), name);
  assert.match(error.message, /deno add npm:@tensorflow\/tfjs-node-gpu@4\.22\.0/);
  assert.match(error.message, /--backend wasm/);
});

Deno.test("tensorflow: tries tfjs-node-gpu, then tfjs-node", async () => {
  const tried: string[] = [];
  const loaded = await importTensorflowBinding((name) => {
    tried.push(name);
    return name.endsWith("-gpu") ? Promise.reject(new Error("no CUDA")) : Promise.resolve({});
  });
  assert.equal(loaded, "@tensorflow/tfjs-node");
  assert.deepEqual(tried, [...TENSORFLOW_PACKAGES]);
});

Deno.test("tensorflow: the error lists why each package failed", async () => {
  await assert.rejects(
    () => importTensorflowBinding((name) => Promise.reject(new Error(`cannot load ${name}`))),
    (error) =>
      error instanceof CampriorError &&
      error.message.includes("@tensorflow/tfjs-node-gpu: cannot load @tensorflow/tfjs-node-gpu") &&
      error.message.includes("@tensorflow/tfjs-node: cannot load @tensorflow/tfjs-node"),
  );
});
