/**
 * The built-in prior sources.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { camPriorPlugin } from "./cam.ts";
import { constantPriorPlugin } from "./constant.ts";
import { motionPriorPlugin } from "./motion.ts";
import { populationPriorPlugin } from "./population.ts";
import { randomCamPriorPlugin } from "./random_cam.ts";

/** Every built-in `prior` plugin. */
export const priorPlugins: readonly AnyPlugin[] = [
  camPriorPlugin,
  randomCamPriorPlugin,
  populationPriorPlugin,
  motionPriorPlugin,
  constantPriorPlugin,
];
