/**
 * The built-in training strategies of the segmenter: `supervised` (the default),
 * `mean-teacher`, `cross-pseudo-supervision` and `fixmatch`.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { cpsPlugin } from "./cross_pseudo_supervision.ts";
import { fixmatchPlugin } from "./fixmatch.ts";
import { meanTeacherPlugin } from "./mean_teacher.ts";
import { supervisedPlugin } from "./supervised.ts";

/** Every built-in strategy, for the plugin registry. */
export const strategyPlugins: readonly AnyPlugin[] = [
  supervisedPlugin,
  meanTeacherPlugin,
  cpsPlugin,
  fixmatchPlugin,
] as AnyPlugin[];
