/**
 * Registering faster kernels over a backend's stock ones, keeping each stock kernel as the
 * fallback for the cases the faster one declines, and counting which of the two ran, so
 * tests and benchmarks can tell that the faster one really did.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** What a faster kernel returns when it declines a case: the reason, for the counters. */
export interface Declined {
  readonly declined: string;
}

/**
 * A kernel that either computes its outputs or declines (then the stock kernel runs).
 * It receives the stock kernel too, for cases it delegates in part.
 */
export type SwapKernel = (
  args: Parameters<tf.KernelFunc>[0],
  stock: tf.KernelFunc,
) => tf.TensorInfo | tf.TensorInfo[] | Declined;

/** How often the faster kernel and the stock fallback ran, and why it last declined. */
export interface KernelCounts {
  custom: number;
  stock: number;
  lastDeclined?: string;
}

/** The stock configs of replaced kernels, by `backend/kernel`. */
const replaced = new Map<string, tf.KernelConfig | undefined>();
const counts = new Map<string, KernelCounts>();

function keyOf(backendName: string, kernelName: string): string {
  return `${backendName}/${kernelName}`;
}

/** Counters of `kernelName` on `backendName` (zeros when it never ran). */
export function kernelCounts(backendName: string, kernelName: string): KernelCounts {
  const key = keyOf(backendName, kernelName);
  if (!counts.has(key)) counts.set(key, { custom: 0, stock: 0 });
  return counts.get(key)!;
}

/** Whether `kernelName` on `backendName` is currently a swapped-in kernel. */
export function isSwapped(backendName: string, kernelName: string): boolean {
  return replaced.has(keyOf(backendName, kernelName));
}

/**
 * Registers `kernel` as `backendName`'s `kernelName`, keeping the stock config (with its
 * setup and dispose functions) as the fallback. Returns false when already swapped.
 */
export function swapKernel(backendName: string, kernelName: string, kernel: SwapKernel): boolean {
  const key = keyOf(backendName, kernelName);
  if (replaced.has(key)) return false;
  const stock = tf.getKernel(kernelName, backendName);
  const fallback: tf.KernelFunc = stock?.kernelFunc ?? (() => {
    throw new Error(`Kernel '${kernelName}' not registered for backend '${backendName}'`);
  });
  replaced.set(key, stock);
  if (stock) tf.unregisterKernel(kernelName, backendName);
  const counter = kernelCounts(backendName, kernelName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
    kernelFunc: (args) => {
      const out = kernel(args, fallback);
      if (!("declined" in out)) {
        counter.custom++;
        return out;
      }
      counter.stock++;
      counter.lastDeclined = out.declined;
      return fallback(args);
    },
  });
  return true;
}

/** Puts back the stock kernels of `backendName` that were swapped; returns their names. */
export function restoreStockKernels(backendName: string): string[] {
  const restored: string[] = [];
  for (const [key, config] of replaced) {
    const [backend, kernelName] = key.split("/");
    if (backend !== backendName) continue;
    tf.unregisterKernel(kernelName, backend);
    if (config) tf.registerKernel(config);
    replaced.delete(key);
    restored.push(kernelName);
  }
  return restored;
}
