/**
 * Seeded weight initialisers, so a network built twice from the same seed starts from the
 * same weights (tfjs-layers draws unseeded values otherwise).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";

/** Hands out Glorot-uniform initialisers with consecutive seeds derived from `seed`. */
export function seededInitializers(seed: number): () => ReturnType<
  typeof tfl.initializers.glorotUniform
> {
  let next = (seed >>> 0) * 1000;
  return () => tfl.initializers.glorotUniform({ seed: next++ });
}

/** Wraps a functional sub-network into a model that applies `features` then `head`. */
export function composeModel(
  features: tfl.LayersModel,
  head: tfl.LayersModel,
  name: string,
): tfl.LayersModel {
  const input = tfl.input({ shape: features.inputs[0].shape.slice(1) as number[] });
  const output = head.apply(features.apply(input)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name });
}
