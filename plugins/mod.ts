/**
 * The plugins that ship with camprior: every kind's `mod.ts` lists its built-ins.
 *
 * @module
 */
import { type AnyPlugin, Registry } from "../mod.ts";
import { backendPlugins } from "./backend/mod.ts";
import { classifierPlugins } from "./classifier/mod.ts";
import { datasetPlugins } from "./dataset/mod.ts";
import { executorPlugins } from "./executor/mod.ts";
import { postprocessPlugins } from "./postprocess/mod.ts";
import { priorPlugins } from "./prior/mod.ts";
import { segmenterPlugins } from "./segmenter/mod.ts";
import { strategyPlugins } from "./strategy/mod.ts";
import { xaiPlugins } from "./xai/mod.ts";

/** Every built-in plugin. */
export const builtinPlugins: readonly AnyPlugin[] = [
  ...backendPlugins,
  ...datasetPlugins,
  ...classifierPlugins,
  ...xaiPlugins,
  ...postprocessPlugins,
  ...priorPlugins,
  ...segmenterPlugins,
  ...strategyPlugins,
  ...executorPlugins,
];

/** A registry holding the built-in plugins. */
export function builtinRegistry(): Registry {
  return new Registry(builtinPlugins);
}
