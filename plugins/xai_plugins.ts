/**
 * The built-in XAI plugins: the Grad-CAM family and the gradient-free Score-CAM and EigenCAM.
 *
 * @module
 */
import type { AnyPlugin } from "../core/plugin.ts";
import { eigencamPlugin } from "./xai_eigencam.ts";
import { gradcamPlugin } from "./xai_gradcam.ts";
import { gradcamPlusPlusPlugin } from "./xai_gradcam_plus_plus.ts";
import { hirescamPlugin } from "./xai_hirescam.ts";
import { layercamPlugin } from "./xai_layercam.ts";
import { scorecamPlugin } from "./xai_scorecam.ts";
import { xgradcamPlugin } from "./xai_xgradcam.ts";

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
