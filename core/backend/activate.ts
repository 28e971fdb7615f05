/**
 * What every backend plugin shares: starting a tfjs backend and making sure it really
 * started, and turning tfjs' terse missing-kernel errors into advice.
 *
 * Importing this module also registers tfjs' gradient functions: the Node build of
 * `@tensorflow/tfjs-core` that Deno loads does not register them, and without them no
 * backend can train. `@tensorflow/tfjs-layers` registers them when it is imported.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { CampriorError } from "../util/errors.ts";

/** Backends that may have a kernel another one lacks, most complete first. */
const KERNEL_FALLBACKS = ["cpu", "wasm", "webgpu", "tensorflow"] as const;

/**
 * Makes `name` the active tfjs backend and waits until it is ready.
 *
 * `tf.setBackend` returns `false` when a backend fails to start, and leaves tfjs with no
 * backend (the next op would start the highest-priority one). This throws a
 * {@linkcode CampriorError} naming the backend instead, after switching back to the
 * backend that was active before.
 */
export async function activateBackend(name: string): Promise<void> {
  const previous = tf.getBackend();
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      if (tf.getBackend() === name) return;
    }
  } catch (error) {
    await restoreBackend(previous, name);
    throw new CampriorError(`backend "${name}" failed to start: ${messageOf(error)}`, 1, {
      cause: error,
    });
  }
  await restoreBackend(previous, name);
  throw new CampriorError(
    `backend "${name}" failed to start (tfjs printed why above); ` +
      `choose another backend with --backend`,
  );
}

/** Switches back to `previous` after `failed` did not start (best effort). */
async function restoreBackend(previous: string | undefined, failed: string): Promise<void> {
  if (!previous || previous === failed) return;
  try {
    await tf.setBackend(previous);
  } catch {
    // The original error matters more than a failed restore.
  }
}

/** The op and backend named by tfjs' "Kernel 'X' not registered for backend 'Y'" errors. */
export function parseMissingKernel(error: unknown): { op: string; backend: string } | null {
  const match = /Kernel '([^']+)' not registered for backend '([^']+)'/.exec(messageOf(error));
  return match ? { op: match[1], backend: match[2] } : null;
}

/**
 * Turns a missing-kernel error into a {@linkcode CampriorError} that names the op, the
 * backend, and the registered backends that do have the kernel. Other errors come back
 * unchanged (non-`Error` values wrapped in an `Error`).
 */
export function explainMissingKernel(error: unknown): Error {
  const missing = parseMissingKernel(error);
  if (!missing) return error instanceof Error ? error : new Error(messageOf(error));
  const alternatives = KERNEL_FALLBACKS.filter((backend) =>
    backend !== missing.backend && tf.getKernel(missing.op, backend) !== undefined
  );
  const advice = alternatives.length > 0
    ? `switch with --backend ${alternatives.join(" or --backend ")}`
    : "no other loaded backend has it either; avoid the op";
  return new CampriorError(
    `the ${missing.backend} backend cannot run op "${missing.op}" (no kernel registered); ` +
      advice,
    1,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
