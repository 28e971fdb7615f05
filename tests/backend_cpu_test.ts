import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { cpuBackendPlugin } from "../plugins/backend/cpu.ts";
import {
  assertMemoryStable,
  gradientValues,
  type HostTensor,
  PARITY_WEIGHTS,
  parityGradients,
  parityInputs,
  parityLoss,
  testContext,
  trainParityNet,
} from "./backend_parity.ts";

Deno.test("cpu plugin activates the cpu backend", async () => {
  const instance = await cpuBackendPlugin.create({}, testContext());
  assert.equal(instance.tfBackend, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(instance.description, /cpu/);
  assert.equal(cpuBackendPlugin.options.safeParse({ threads: 2 }).success, false);
});

/**
 * Central difference of the parity loss w.r.t. one weight entry. With float32 and ReLU
 * kinks, eps = 1e-3 agreed with the analytic gradients to < 6e-3 of each tensor's largest.
 */
async function numericalGradient(
  inputs: HostTensor[],
  tensor: number,
  index: number,
): Promise<number> {
  const eps = 1e-3;
  const lossWith = async (delta: number) => {
    const values = inputs[tensor].values.slice();
    values[index] += delta;
    const moved = inputs.map((host, i) => i === tensor ? { ...host, values } : host);
    return (await gradientValues(parityLoss, moved)).value;
  };
  return (await lossWith(eps) - await lossWith(-eps)) / (2 * eps);
}

Deno.test("cpu reference: parity-net gradients match finite differences", async () => {
  await cpuBackendPlugin.create({}, testContext());
  const inputs = parityInputs();
  const { value, grads } = await parityGradients();
  assert.ok(Number.isFinite(value) && value > 0, `loss ${value}`);
  for (const [tensor, name] of Object.keys(PARITY_WEIGHTS).entries()) {
    const analytic = grads[tensor];
    const scale = Math.max(...analytic.map(Math.abs));
    assert.ok(scale > 0, `gradient of ${name} is all zero`);
    for (const index of [0, Math.floor(analytic.length / 2), analytic.length - 1]) {
      const numeric = await numericalGradient(inputs, tensor, index);
      const error = Math.abs(numeric - analytic[index]) / scale;
      assert.ok(error < 2e-2, `${name}[${index}]: analytic ${analytic[index]}, numeric ${numeric}`);
    }
  }
});

Deno.test("cpu reference: Adam lowers the loss and memory stays flat", async () => {
  await cpuBackendPlugin.create({}, testContext());
  const trace = await trainParityNet(4);
  assertMemoryStable(trace, "cpu");
  assert.ok(trace.losses[3] < trace.losses[0], `losses ${trace.losses}`);
});
