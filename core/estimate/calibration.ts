/**
 * Calibration: seconds per batch of each network on the active backend, measured with a
 * few timed batches (training step, inference, saliency maps) and cached per machine and
 * backend, so `plan` can turn step counts into a cost estimate.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { hashOf } from "../plan/hash.ts";
import type { PluginSettings } from "../plan/step.ts";
import type { ClassifierNetwork, Map2D, PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { currentLoad, type MachineIdentity, thisMachine } from "../util/machine.ts";

/** Images per saliency batch (as the cam step computes them). */
export const XAI_BATCH = 16;

/**
 * What is timed: one batch of a network's training step, inference or saliency maps, or
 * one map through a post-processing chain.
 */
export type Probe = NetworkProbe | ChainProbe;

/** One batch of a network. */
export interface NetworkProbe {
  readonly what: "train" | "infer" | "xai";
  readonly kind: "classifier" | "segmenter";
  readonly network: PluginSettings;
  /** `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly batch: number;
  /** The saliency method (`what: "xai"` only). */
  readonly xai?: PluginSettings;
}

/** One `size`×`size` map through a post-processing chain. */
export interface ChainProbe {
  readonly what: "postprocess";
  readonly chain: readonly PluginSettings[];
  readonly size: number;
}

/** A cached measurement. */
interface Entry {
  readonly seconds: number;
  readonly measuredAt: string;
  /** 1-minute load average while it was measured. */
  readonly load?: number;
  readonly probe: string;
}

interface CacheFile {
  readonly version: 1;
  readonly entries: Record<string, Entry>;
}

/** The calibration cache file: `$CAMPRIOR_CACHE`, else `~/.cache/camprior/`. */
export function calibrationCachePath(): string {
  const dir = Deno.env.get("CAMPRIOR_CACHE") ??
    join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? ".", ".cache"), "camprior");
  return join(dir, "calibration.json");
}

function describeProbe(p: Probe): string {
  if (p.what === "postprocess") {
    return `postprocess ${p.chain.map((c) => c.plugin).join("+")} ${p.size}×${p.size}`;
  }
  const xai = p.xai ? ` ${p.xai.plugin}` : "";
  return `${p.what}${xai} ${p.kind} ${p.network.plugin} ${p.inputShape.join("×")} batch ${p.batch}`;
}

/** Seconds per batch of probes, from the cache or measured (then cached). */
export class Calibration {
  readonly backend: string;
  readonly machine: MachineIdentity;
  readonly #path: string;
  #cache: CacheFile = { version: 1, entries: {} };
  /** Probes measured by this process (not from the cache). */
  readonly measured: string[] = [];

  private constructor(backend: string, path: string) {
    this.backend = backend;
    this.machine = thisMachine();
    this.#path = path;
  }

  /** The calibration of `backend` on this machine, with what the cache already holds. */
  static async open(backend: string, path = calibrationCachePath()): Promise<Calibration> {
    const calibration = new Calibration(backend, path);
    try {
      const file = JSON.parse(await Deno.readTextFile(path));
      if (file?.version === 1 && typeof file.entries === "object") calibration.#cache = file;
    } catch {
      // no cache yet, or unreadable: measure afresh
    }
    return calibration;
  }

  #key(probe: Probe): string {
    return hashOf({ machine: this.machine, backend: this.backend, probe });
  }

  /** Cached seconds per batch, or undefined. */
  cached(probe: Probe): Entry | undefined {
    return this.#cache.entries[this.#key(probe)];
  }

  /** Seconds per batch: cached unless `fresh`, else measured on the active tfjs backend. */
  async seconds(
    probe: Probe,
    registry: Registry,
    context: PluginContext,
    fresh = false,
  ): Promise<number> {
    const hit = fresh ? undefined : this.cached(probe);
    if (hit) return hit.seconds;
    const load = currentLoad();
    const seconds = await measure(probe, registry, context);
    const entry: Entry = {
      seconds,
      measuredAt: new Date().toISOString(),
      ...(load === undefined ? {} : { load }),
      probe: describeProbe(probe),
    };
    this.#cache = { version: 1, entries: { ...this.#cache.entries, [this.#key(probe)]: entry } };
    this.measured.push(entry.probe);
    await writeTextAtomic(this.#path, JSON.stringify(this.#cache, null, 1) + "\n");
    return seconds;
  }

  /** Where the cache lives. */
  get path(): string {
    return this.#path;
  }
}

/** Random inputs and one-hot targets of a probe's shape. */
function batchOf(probe: NetworkProbe) {
  const [h, w, c] = probe.inputShape;
  const n = probe.batch, k = probe.numClasses;
  const inputs = tf.randomUniform([n, h, w, c], 0, 1, "float32", 7) as tf.Tensor4D;
  const cells = probe.kind === "segmenter" ? n * h * w : n;
  const onehot = new Float32Array(cells * k);
  for (let i = 0; i < cells; i++) onehot[i * k + ((i * 7919) % k)] = 1;
  const shape = probe.kind === "segmenter" ? [n, h, w, k] : [n, k];
  return { inputs, targets: tf.tensor(onehot, shape) };
}

function lossOf(
  probe: NetworkProbe,
  model: tfl.LayersModel,
  inputs: tf.Tensor,
  targets: tf.Tensor,
): tf.Scalar {
  const out = model.apply(inputs, { training: true }) as tf.Tensor;
  if (probe.kind === "classifier") return tf.losses.softmaxCrossEntropy(targets, out) as tf.Scalar;
  const logLikelihood = tf.sum(tf.mul(targets, tf.log(tf.clipByValue(out, 1e-7, 1))), -1);
  return tf.neg(tf.mean(logLikelihood)) as tf.Scalar;
}

/** Times `run` once to warm up, then until 3 runs or 2 s; returns the median seconds. */
async function timeIt(run: () => Promise<void>): Promise<number> {
  await run();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 && (times.length < 1 || performance.now() - started < 2000)) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function measure(probe: Probe, registry: Registry, context: PluginContext): Promise<number> {
  if (probe.what === "postprocess") return await measureChain(probe, registry, context);
  const spec = {
    inputShape: [...probe.inputShape] as [number, number, number],
    numClasses: probe.numClasses,
  };
  const { plugin, options } = probe.network;
  let model: tfl.LayersModel;
  let network: ClassifierNetwork | undefined;
  if (probe.kind === "classifier") {
    network = (await registry.get("classifier", plugin).create(options, context)).build(spec);
    model = network.model;
  } else {
    model = (await registry.get("segmenter", plugin).create(options, context)).build(spec);
  }
  const { inputs, targets } = batchOf(probe);
  try {
    if (probe.what === "infer") {
      return await timeIt(async () => {
        const out = model.predict(inputs) as tf.Tensor;
        await out.data();
        out.dispose();
      });
    }
    if (probe.what === "xai") {
      const xai = await registry.get("xai", probe.xai!.plugin).create(probe.xai!.options, context);
      return await timeIt(async () => {
        const maps = xai.explain(network!, inputs, "predicted");
        await maps.data();
        maps.dispose();
      });
    }
    const optimizer = tf.train.adam(1e-3);
    try {
      return await timeIt(async () => {
        const loss = optimizer.minimize(() => lossOf(probe, model, inputs, targets), true)!;
        await loss.data();
        loss.dispose();
      });
    } finally {
      optimizer.dispose();
    }
  } finally {
    tf.dispose([inputs, targets]);
    model.dispose();
  }
}

async function measureChain(
  probe: ChainProbe,
  registry: Registry,
  context: PluginContext,
): Promise<number> {
  const steps = await Promise.all(
    probe.chain.map((ref) => registry.get("postprocess", ref.plugin).create(ref.options, context)),
  );
  const pixels = probe.size * probe.size;
  const data = Float32Array.from({ length: pixels }, (_, i) => ((i * 7919) % 1000) / 1000);
  const map: Map2D = { data, height: probe.size, width: probe.size };
  return await timeIt(() => {
    steps.reduce((m: Map2D, step) => step.apply(m), map);
    return Promise.resolve();
  });
}
