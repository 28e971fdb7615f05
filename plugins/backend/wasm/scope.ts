/**
 * Running the wasm backend's own kernels from inside another wasm kernel: a scope that
 * calls registered kernels directly (no engine bookkeeping, no gradients) and frees every
 * intermediate it made once the outer kernel has its result.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A tensor as the kernels see it: data id, shape and dtype. */
export type Info = tf.TensorInfo;

/** Runs stock wasm kernels inside a kernel and frees the intermediates they made. */
export class WasmScope {
  readonly #made: Info[] = [];
  constructor(readonly backend: BackendWasm) {}

  /** Runs one kernel of the wasm backend; its output is freed by {@linkcode dispose}. */
  run(
    kernelName: string,
    inputs: tf.NamedTensorInfoMap | Info[],
    attrs: tf.NamedAttrMap = {},
  ): Info {
    const kernel = tf.getKernel(kernelName, "wasm");
    if (kernel === undefined) {
      throw new Error(`Kernel '${kernelName}' not registered for backend 'wasm'`);
    }
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    }) as Info;
    this.#made.push(out);
    return out;
  }

  /** Adopts a tensor made outside {@linkcode run}, to be freed with the rest. */
  keep(info: Info): Info {
    this.#made.push(info);
    return info;
  }

  /** Frees every output made here except `keep`. */
  dispose(keep?: Info): void {
    for (const info of this.#made) {
      if (info !== keep) this.backend.disposeData(info.dataId);
    }
  }
}

/** Runs `body` in a {@linkcode WasmScope}; only its result survives, even on errors. */
export function withScope(backend: BackendWasm, body: (scope: WasmScope) => Info): Info {
  const scope = new WasmScope(backend);
  let result: Info | undefined;
  try {
    result = body(scope);
    return result;
  } finally {
    scope.dispose(result);
  }
}
