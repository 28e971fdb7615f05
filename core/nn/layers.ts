/**
 * Layer helpers shared by the model plugins: convolution with optional batch norm and
 * ReLU, seeded dropout, and the seeds they draw from.
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { SeededDropout } from "./seeded_dropout.ts";
import { seededInitializers } from "./seeded_init.ts";
import { deriveSeed } from "../util/random.ts";

/** A symbolic tensor of a functional model under construction. */
export type Sym = tfl.SymbolicTensor;

/** What every layer of one network draws from: seeded initialisers and dropout seeds. */
export interface LayerKit {
  /** Returns a fresh seeded Glorot-uniform initialiser. */
  readonly init: ReturnType<typeof seededInitializers>;
  /** Returns a fresh dropout seed. */
  readonly dropoutSeed: () => number;
  /** Whether convolutions are followed by batch normalisation. */
  readonly batchNorm: boolean;
}

/** A kit whose initialisers and dropout masks all derive from `seed`. */
export function layerKit(seed: number, batchNorm: boolean): LayerKit {
  let dropouts = 0;
  return {
    init: seededInitializers(seed),
    dropoutSeed: () => deriveSeed(seed, `dropout ${dropouts++}`),
    batchNorm,
  };
}

/** Options of {@linkcode conv}. */
export interface ConvOptions {
  readonly kernelSize?: number;
  readonly strides?: number;
  /** Apply ReLU after the (normalised) convolution; default true. */
  readonly relu?: boolean;
}

/**
 * Convolution ("same" padding), then batch norm if the kit asks for it, then ReLU. Without
 * batch norm the ReLU is the convolution's own activation, so bias and ReLU run in the
 * convolution's kernel (`FusedConv2D`) instead of two more passes over its output.
 */
export function conv(x: Sym, kit: LayerKit, filters: number, opts: ConvOptions = {}): Sym {
  const withRelu = opts.relu !== false;
  const fused = withRelu && !kit.batchNorm;
  let y = tfl.layers.conv2d({
    filters,
    kernelSize: opts.kernelSize ?? 3,
    strides: opts.strides ?? 1,
    padding: "same",
    useBias: !kit.batchNorm,
    kernelInitializer: kit.init(),
    activation: fused ? "relu" : undefined,
  }).apply(x) as Sym;
  if (kit.batchNorm) y = batchNorm(y);
  return withRelu && !fused ? relu(y) : y;
}

/** Batch normalisation over the channel axis. */
export function batchNorm(x: Sym): Sym {
  return tfl.layers.batchNormalization({ axis: -1 }).apply(x) as Sym;
}

/** ReLU activation. */
export function relu(x: Sym): Sym {
  return tfl.layers.activation({ activation: "relu" }).apply(x) as Sym;
}

/** Batch norm (if the kit asks for it) then ReLU: the pre-activation of DenseNet. */
export function normRelu(x: Sym, kit: LayerKit): Sym {
  return relu(kit.batchNorm ? batchNorm(x) : x);
}

/** Seeded dropout at `rate`; `x` unchanged when the rate is 0. */
export function dropout(x: Sym, kit: LayerKit, rate: number): Sym {
  if (rate === 0) return x;
  return new SeededDropout({ rate, seed: kit.dropoutSeed() }).apply(x) as Sym;
}

/** 2×2 max pooling ("same" padding, so odd or 1-pixel maps keep a size of at least 1). */
export function maxPool(x: Sym, poolSize = 2, strides = poolSize): Sym {
  return tfl.layers.maxPooling2d({ poolSize, strides, padding: "same" }).apply(x) as Sym;
}

/** Global average pooling then dropout then a dense layer of class logits. */
export function logitsHead(x: Sym, kit: LayerKit, classes: number, rate: number): Sym {
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x) as Sym;
  return tfl.layers.dense({ units: classes, kernelInitializer: kit.init() })
    .apply(dropout(pooled, kit, rate)) as Sym;
}

/**
 * A segmentation head: a 1×1 convolution to `classes` logits, then a separate softmax layer,
 * so training can take the logits before it (see `warnIfFusedSoftmax`).
 */
export function softmaxHead(x: Sym, classes: number, init: ReturnType<LayerKit["init"]>): Sym {
  const logits = tfl.layers.conv2d({ filters: classes, kernelSize: 1, kernelInitializer: init })
    .apply(x) as Sym;
  return tfl.layers.activation({ activation: "softmax" }).apply(logits) as Sym;
}

/** Number of channels (last axis) of a symbolic tensor. */
export function channelsOf(x: Sym): number {
  return x.shape[x.shape.length - 1] ?? 0;
}
