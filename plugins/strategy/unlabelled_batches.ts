/**
 * The `unlabelledBatches` option the semi-supervised strategies share.
 *
 * @module
 */
import { z } from "zod";

/** Unlabelled batches (of the labelled batch size) paired with each labelled batch. */
export const unlabelledBatchesOption = z.number().int().min(1).max(16).default(1).describe(
  "unlabelled batches of the labelled batch size paired with each labelled batch; an epoch " +
    "stays counted in labelled batches, so a step costs about (1 + this) supervised steps",
);
