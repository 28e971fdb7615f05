/**
 * Experimental: multi-threaded tfjs wasm (XNNPACK thread pool) under Deno.
 *
 * As shipped, tfjs-backend-wasm 4.22 never starts threads in Deno, for four reasons that
 * this module works around while the backend initialises (and undoes afterwards):
 *
 * 1. tfjs sees Node's `process` (`IS_NODE`) and reports no thread support: the flag
 *    `WASM_HAS_MULTITHREAD_SUPPORT` is forced on.
 * 2. Emscripten starts its pthread workers from `blob:` URLs, which Deno's
 *    `node:worker_threads` rejects (`ERR_WORKER_PATH`): `Blob` and `URL.createObjectURL`
 *    are wrapped so those scripts are written to temporary files instead. The worker
 *    script is patched where Deno differs from Node (`location` is read-only in a Deno
 *    worker; the main script's bundler names `require$$N` and `commonjsGlobal` are
 *    defined for it).
 * 3. tfjs caps its pool at `os.cpus().length / 2` (it assumes hyper-threading): on a
 *    2-core machine that is 1. `os.cpus()` reports enough cores while the module starts.
 * 4. Idle pthread workers keep Deno from exiting (`unref` does not release them there):
 *    {@linkcode stopWasmThreads} terminates them when the work is done.
 *
 * It rewrites tfjs' internal worker source, so it is pinned to tfjs 4.22 and must run
 * before the wasm backend is first initialised. Single-threaded wasm stays the default.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import os from "node:os";
import workerThreads from "node:worker_threads";

/** Node modules the threaded main script reads under its bundler's names. */
const BUNDLER_PRELUDE = "var require$$0 = require('fs'); var require$$1 = require('path'); " +
  "var require$$3 = require('perf_hooks'); var require$$4 = require('os'); " +
  "var commonjsGlobal = globalThis;\n";

/** The Emscripten worker script made to run under Deno's `node:worker_threads`. */
export function patchWorkerScript(source: string, mainScriptPath: string): string {
  const load =
    /if\(typeof e\.data\.urlOrBlob=="string"\)\{importScripts\(e\.data\.urlOrBlob\)\}else\{[^}]*\}/;
  if (!load.test(source) || !source.includes("location:{href:__filename},")) {
    throw new Error("unexpected tfjs wasm worker script (not tfjs 4.22?)");
  }
  return source.replace("location:{href:__filename},", "")
    .replace(load, `importScripts(${JSON.stringify(mainScriptPath)});`);
}

/** Blob contents by blob, for the blobs made while the shims are on. */
type Texts = WeakMap<Blob, string>;

/** Replaces global `Blob` and `URL.createObjectURL`; returns how to put them back. */
function shimBlobUrls(dir: string): () => void {
  const texts: Texts = new WeakMap();
  const [RealBlob, realCreate] = [globalThis.Blob, URL.createObjectURL];
  let mainScript = "";
  globalThis.Blob = class extends RealBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === "string")) {
        const text = parts.join("");
        texts.set(this, text);
        if (text.startsWith("var WasmBackendModuleThreadedSimd")) mainScript = text;
      }
    }
  };
  let count = 0;
  URL.createObjectURL = (blob: Blob) => {
    const text = texts.get(blob);
    if (text === undefined) return realCreate(blob);
    const mainPath = `${dir}/tfjs-wasm-threaded-main.cjs`;
    Deno.writeTextFileSync(mainPath, BUNDLER_PRELUDE + mainScript);
    const path = `${dir}/tfjs-wasm-worker-${count++}.cjs`;
    Deno.writeTextFileSync(path, patchWorkerScript(text, mainPath));
    return path;
  };
  return () => {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreate;
  };
}

/** The pthread workers started by the threaded backend. */
const workers = new Set<InstanceType<typeof workerThreads.Worker>>();

/** Makes `os.cpus()` report at least `cores`, and records new workers; returns the undo. */
function shimNodeModules(cores: number): () => void {
  const mutableOs = os as { cpus: typeof os.cpus };
  const mutableWorkers = workerThreads as { Worker: typeof workerThreads.Worker };
  const [realCpus, RealWorker, globalWorker] = [os.cpus, workerThreads.Worker, globalThis.Worker];
  mutableOs.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: Math.max(cores, cpus.length) }, (_, i) => cpus[i % cpus.length]);
  };
  mutableWorkers.Worker = class extends RealWorker {
    constructor(...args: ConstructorParameters<typeof RealWorker>) {
      super(...args);
      workers.add(this);
    }
  };
  return () => {
    mutableOs.cpus = realCpus;
    mutableWorkers.Worker = RealWorker;
    globalThis.Worker = globalWorker; // Emscripten replaced it with node's Worker
  };
}

/**
 * Terminates the pthread workers so that Deno can exit; the wasm backend cannot run
 * kernels afterwards. Returns how many there were.
 */
export async function stopWasmThreads(): Promise<number> {
  const count = workers.size;
  await Promise.all([...workers].map((worker) => worker.terminate()));
  workers.clear();
  return count;
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads (experimental; see the
 * module notes) and makes it active. Returns the threads tfjs reports. Throws if the
 * wasm backend was already initialised (single-threaded) in this process.
 */
export async function startThreadedWasm(threads: number): Promise<number> {
  if (tf.engine().registry["wasm"] !== undefined) {
    throw new Error("the wasm backend is already initialised; start threads before any wasm use");
  }
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  const undo = [
    shimBlobUrls(Deno.makeTempDirSync({ prefix: "tfjs-wasm-" })),
    shimNodeModules(2 * threads),
  ];
  try {
    if (!await tf.setBackend("wasm")) throw new Error("threaded wasm failed to start");
  } finally {
    undo.forEach((restore) => restore());
  }
  return getThreadsCount();
}
