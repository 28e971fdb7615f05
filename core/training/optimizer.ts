/**
 * Builds the optimizer named in the training settings, with a learning rate that a
 * schedule can change between steps.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Which optimizer, at what base rate. */
export interface OptimizerSettings {
  readonly optimizer: "adam" | "sgd";
  readonly learningRate: number;
  /** SGD only. */
  readonly momentum: number;
}

/** An optimizer whose learning rate can be changed while training. */
export interface ScheduledOptimizer {
  readonly optimizer: tf.Optimizer;
  /** The rate used by the next steps. */
  readonly learningRate: number;
  setLearningRate(rate: number): void;
  /** Frees the optimizer's tensors. */
  dispose(): void;
}

/** Adam whose learning rate may change (tfjs keeps it in a protected field). */
class AdjustableAdam extends tf.AdamOptimizer {
  get rate(): number {
    return this.learningRate;
  }

  set rate(value: number) {
    this.learningRate = value;
  }
}

/** Momentum SGD that also frees its learning-rate scalar (tfjs 4.22 forgets it). */
class DisposableMomentum extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/** Adam, or SGD with momentum (the paper's choice for VGG16), at `rate` (default: settings). */
export function makeOptimizer(
  settings: OptimizerSettings,
  rate = settings.learningRate,
): ScheduledOptimizer {
  if (settings.optimizer === "sgd") {
    const sgd = new DisposableMomentum(rate, settings.momentum);
    let current = rate;
    return {
      optimizer: sgd,
      get learningRate() {
        return current;
      },
      setLearningRate(value) {
        current = value;
        sgd.setLearningRate(value);
      },
      dispose: () => sgd.dispose(),
    };
  }
  const adam = new AdjustableAdam(rate, 0.9, 0.999);
  return {
    optimizer: adam,
    get learningRate() {
      return adam.rate;
    },
    setLearningRate(value) {
      adam.rate = value;
    },
    dispose: () => adam.dispose(),
  };
}
