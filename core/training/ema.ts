/**
 * Exponential moving average of network weights: the mean teacher of Tarvainen & Valpola
 * (NeurIPS 2017), `θ'_t = α θ'_{t−1} + (1 − α) θ_t`, with their warm-up
 * `α = min(1 − 1/(t + 1), decay)` at global step `t` (counted from 0), so the teacher
 * follows the student closely at first.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

/** The EMA rate at global step `step` (from 0) for a target `decay`. */
export function emaRate(decay: number, step: number): number {
  return Math.min(1 - 1 / (step + 1), decay);
}

/** The weights of a model as variables (trainable and not, e.g. batch-norm statistics). */
function variablesOf(model: tfl.LayersModel): tf.Variable[] {
  return model.weights.map((w) => w.read() as tf.Variable);
}

/**
 * Copies `student`'s weights into `teacher` (same architecture). Call once before the
 * first {@linkcode emaUpdate}.
 */
export function copyWeights(student: tfl.LayersModel, teacher: tfl.LayersModel): void {
  const from = variablesOf(student);
  variablesOf(teacher).forEach((v, i) => v.assign(from[i]));
}

/** Moves every weight of `teacher` towards `student` by the EMA rate of `step`. */
export function emaUpdate(
  student: tfl.LayersModel,
  teacher: tfl.LayersModel,
  decay: number,
  step: number,
): void {
  const alpha = emaRate(decay, step);
  const from = variablesOf(student);
  tf.tidy(() => {
    variablesOf(teacher).forEach((v, i) => {
      v.assign(tf.add(tf.mul(v, alpha), tf.mul(from[i], 1 - alpha)));
    });
  });
}
