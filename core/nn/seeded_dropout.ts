/**
 * A dropout layer whose masks come from a seeded stream: the same seed gives the same
 * masks in the same order, so training with dropout is reproducible. (tfjs-layers'
 * `dropout` either draws unseeded masks or, given a seed, the same mask at every step.)
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** Arguments of {@linkcode SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of inputs set to 0 while training, in [0, 1). */
  readonly rate: number;
  /** Seed of the mask stream. */
  readonly seed: number;
  readonly name?: string;
}

/** Inverted dropout with a fresh, seeded mask at every training call; identity otherwise. */
export class SeededDropout extends tfl.layers.Layer {
  /** Name under which the layer is serialised in checkpoints. */
  static readonly className = "CampriorSeededDropout";
  readonly rate: number;
  readonly seed: number;
  #calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new RangeError(`dropout rate must be in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    const seed = (this.seed >>> 0) * 7919 + this.#calls++;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
