import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { wasmBackendPlugin } from "../plugins/backend/wasm.ts";
import { broadcast2D } from "../plugins/backend/wasm/compare_kernels.ts";
import { usesFasterKernel } from "../plugins/backend/wasm/kernels.ts";
import { againstCpu, relativeError, seeded, testContext, toTensor } from "./backend_parity.ts";

const startWasm = () => wasmBackendPlugin.create({}, testContext());

/** Runs `f` on cpu and wasm (fresh tensors each), returns both results' shapes and values. */
async function bothBackends(f: () => tf.Tensor | tf.Tensor[]) {
  const run = async () => {
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => ({
      shape: t.shape,
      values: await t.data() as Float32Array,
    })));
    tf.dispose(list);
    return values;
  };
  return await againstCpu(startWasm, run);
}

async function assertSameAsCpu(label: string, f: () => tf.Tensor | tf.Tensor[], tolerance = 0) {
  const { actual, reference } = await bothBackends(f);
  assert.equal(actual.length, reference.length, `${label}: number of outputs`);
  reference.forEach((r, i) => {
    assert.deepEqual(actual[i].shape, r.shape, `${label}: shape of output ${i}`);
    const error = relativeError(actual[i].values, r.values);
    assert.ok(error <= tolerance, `${label}: output ${i} off by ${error}`);
  });
}

const t = (shape: number[], seed: number) => toTensor(seeded(shape, seed));

Deno.test("Concat and SplitV copy rows like cpu, on any axis and dtype", async () => {
  await assertSameAsCpu(
    "concat channels",
    () => tf.concat([t([2, 5, 7, 3], 1), t([2, 5, 7, 6], 2)], 3),
  );
  await assertSameAsCpu(
    "concat rows",
    () => tf.concat([t([2, 5, 3], 1), t([2, 1, 3], 2), t([2, 4, 3], 3)], 1),
  );
  await assertSameAsCpu(
    "concat int32",
    () =>
      tf.cast(
        tf.concat(
          [tf.tensor([[1], [2]], [2, 1], "int32"), tf.tensor([[3], [4]], [2, 1], "int32")],
          1,
        ),
        "float32",
      ),
  );
  await assertSameAsCpu("split channels", () => tf.split(t([2, 5, 7, 9], 1), [3, 6], 3));
  await assertSameAsCpu("split columns", () => tf.split(t([2, 5, 7, 9], 1), [2, 4, 1], 2));
  assert.ok(usesFasterKernel("Concat") && usesFasterKernel("SplitV"));
});

Deno.test("Identity shares the buffer and survives the input's disposal", async () => {
  await startWasm();
  const before = tf.engine().backend.numDataIds();
  const x = t([3, 4], 5);
  const y = tf.engine().runKernel("Identity", { x }) as tf.Tensor;
  assert.equal(tf.engine().backend.numDataIds(), before + 1, "Identity made a copy");
  const expected = await x.data();
  x.dispose();
  assert.deepEqual(await y.data(), expected);
  y.dispose();
  assert.equal(tf.engine().backend.numDataIds(), before);
});

Deno.test("Sum over the leading axes matches cpu; other reductions still work", async () => {
  await assertSameAsCpu("bias gradient", () => tf.sum(t([8, 33, 17, 24], 1), [0, 1, 2]), 1e-5);
  await assertSameAsCpu("keepDims", () => tf.sum(t([5000, 12], 2), [0], true), 1e-5);
  await assertSameAsCpu("middle axis", () => tf.sum(t([5, 6, 7], 3), [1]), 1e-5);
  await assertSameAsCpu("odd channels", () => tf.sum(t([9, 7, 3], 3), [0, 1]), 1e-5);
  assert.ok(usesFasterKernel("Sum"));
});

Deno.test("MaxPoolGrad sends each window's gradient to its first maximum, like cpu", async () => {
  // Windows of negative values (stock wasm drops their gradient), odd sizes, odd channels.
  for (const [n, h, w, c] of [[2, 8, 12, 4], [1, 6, 6, 16], [2, 7, 9, 4], [1, 8, 8, 3]]) {
    await assertSameAsCpu(`${n}×${h}×${w}×${c}`, () => {
      const x = t([n, h, w, c], 7);
      const dy = t([n, Math.ceil(h / 2), Math.ceil(w / 2), c], 8);
      const pooled = (v: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, "same"), dy));
      const grad = tf.grad(pooled)(x);
      tf.dispose([x, dy]);
      return grad;
    });
  }
  // Ties: all-equal windows go to their first element.
  await assertSameAsCpu("ties", () => {
    const x = tf.ones([1, 4, 4, 4]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, "valid")))(x);
    x.dispose();
    return grad;
  });
});

Deno.test("Equal broadcasts like cpu (last axis, leading axes, scalars, int32)", async () => {
  const asFloat = (t: tf.Tensor) => {
    const out = tf.cast(t, "float32");
    t.dispose();
    return out;
  };
  const ints = (shape: number[], seed: number) =>
    tf.tidy(() => tf.cast(tf.floor(tf.mul(tf.add(t(shape, seed), 1), 2)), "int32"));
  const cases: [string, () => tf.Tensor][] = [
    ["max gradient", () => {
      const x = tf.round(t([2, 5, 7, 4], 1));
      return asFloat(tf.equal(x, tf.max(x, -1, true)));
    }],
    [
      "one-hot",
      () => asFloat(tf.equal(tf.expandDims(ints([2, 5, 3], 2), -1), tf.range(0, 4, 1, "int32"))),
    ],
    ["same shapes", () => asFloat(tf.equal(ints([3, 4], 3), ints([3, 4], 4)))],
    ["scalar", () => asFloat(tf.equal(ints([6], 5), tf.scalar(1, "int32")))],
    ["three groups (stock)", () => asFloat(tf.equal(ints([2, 1, 3], 6), ints([1, 4, 1], 7)))],
  ];
  for (const [label, f] of cases) await assertSameAsCpu(label, f);
  assert.ok(usesFasterKernel("Equal"));
});

Deno.test("broadcast2D merges axes into rows and columns", () => {
  assert.deepEqual(broadcast2D([8, 4, 4, 3], [8, 4, 4, 1]), {
    rows: 128,
    cols: 3,
    a: { rowStride: 3, colStride: 1 },
    b: { rowStride: 1, colStride: 0 },
  });
  assert.deepEqual(broadcast2D([2, 5, 1], [4]), {
    rows: 10,
    cols: 4,
    a: { rowStride: 1, colStride: 0 },
    b: { rowStride: 0, colStride: 1 },
  });
  assert.equal(broadcast2D([2, 1, 3], [1, 4, 1]), undefined);
});
