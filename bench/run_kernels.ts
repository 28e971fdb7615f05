/**
 * The tfjs side of the kernel microbenchmarks: conv2d forward, input gradient
 * (`Conv2DBackpropInput`) and filter gradient (`Conv2DBackpropFilter`) called as kernels,
 * and a matrix product. Each call reads one scalar back (the sum of the last output), so
 * it includes one read-back: about 13 ms on webgpu under Deno, little on the CPU; time
 * several runs per call there (`--inner`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Runs } from "./timing.ts";
import type { ConvWorkload, MatmulWorkload } from "./workloads.ts";

/** A workload with its inputs made on the active backend. */
export interface Prepared {
  /** `runs` runs (default 1), finished (read back once) when the promise settles. */
  run: Runs;
  /** Frees the inputs (and models). */
  dispose(): void;
}

/** Seeded normal values, so every backend sees the same kind of data. */
function normal(shape: readonly number[], seed: number): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, "float32", seed);
}

/** The conv2d kernel a workload times, as a function of its inputs. */
function convKernel(w: ConvWorkload, x: tf.Tensor, filter: tf.Tensor, dy: tf.Tensor) {
  const common = { strides: 1, pad: "same", dataFormat: "NHWC" };
  switch (w.kind) {
    case "conv2d":
      return () => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, "same");
    case "conv2d-dx":
      return () =>
        tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
          ...common,
          inputShape: [...w.x],
        }) as tf.Tensor;
    case "conv2d-dw":
      return () =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          ...common,
          filterShape: [...w.filter],
        }) as tf.Tensor;
  }
}

/** Runs `kernel` `runs` times and waits for the sum of the last output. */
function readingBack(kernel: () => tf.Tensor): Runs {
  return async (runs = 1) => {
    const totals = Array.from({ length: runs }, () => tf.tidy(() => tf.sum(kernel())));
    await totals[totals.length - 1].data();
    tf.dispose(totals);
  };
}

/** Inputs and run of a conv2d kernel workload ("same" padding, stride 1). */
export function prepareConv(w: ConvWorkload): Prepared {
  const [n, h, width] = w.x;
  const x = normal(w.x, 1);
  const filter = normal(w.filter, 2);
  const dy = normal([n, h, width, w.filter[3]], 3);
  return {
    run: readingBack(convKernel(w, x, filter, dy)),
    dispose: () => tf.dispose([x, filter, dy]),
  };
}

/** Inputs and run of a square matrix product. */
export function prepareMatmul(w: MatmulWorkload): Prepared {
  const a = normal([w.n, w.n], 4);
  const b = normal([w.n, w.n], 5);
  return {
    run: readingBack(() => tf.matMul(a, b)),
    dispose: () => tf.dispose([a, b]),
  };
}
