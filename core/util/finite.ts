/**
 * Output guards: nothing NaN or infinite is stored as a finished artifact. The producing
 * step checks what a plugin returned and fails naming the plugin.
 *
 * @module
 */
import { CampriorError } from "./errors.ts";

/** Index of the first NaN or infinite value, or -1 when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Throws unless every value is finite; `culprit` names who produced them (e.g.
 * `xai plugin "gradcam"`), `per` how many values make one slice's map.
 */
export function requireFinite(values: ArrayLike<number>, culprit: string, per: number): void {
  const at = firstNonFinite(values);
  if (at < 0) return;
  let count = 0;
  for (let i = at; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  throw new CampriorError(
    `${culprit} returned ${values[at]} (${count} NaN or infinite values, first in slice ` +
      `${Math.floor(at / per)}); nothing was stored`,
  );
}
