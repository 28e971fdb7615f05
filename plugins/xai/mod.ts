/**
 * The built-in XAI plugins: the Grad-CAM family and the gradient-free Score-CAM and EigenCAM.
 *
 * @module
 */
import type { AnyPlugin } from "../../mod.ts";
import { eigencamPlugin } from "./eigencam.ts";
import { gradcamPlugin } from "./gradcam.ts";
import { gradcamPlusPlusPlugin } from "./gradcam_plus_plus.ts";
import { hirescamPlugin } from "./hirescam.ts";
import { layercamPlugin } from "./layercam.ts";
import { scorecamPlugin } from "./scorecam.ts";
import { xgradcamPlugin } from "./xgradcam.ts";

/** `gradcam`, `gradcam++`, `hirescam`, `layercam`, `xgradcam`, `scorecam` and `eigencam`. */
export const xaiPlugins: readonly AnyPlugin[] = [
  gradcamPlugin,
  gradcamPlusPlusPlugin,
  hirescamPlugin,
  layercamPlugin,
  xgradcamPlugin,
  scorecamPlugin,
  eigencamPlugin,
];
