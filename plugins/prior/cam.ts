/**
 * `cam` prior source: the paper's prior — the class activation maps of the prior's trained
 * classifier (out-of-fold for the training patients when the experiment asks), at the
 * classifier's target block or the chosen `layer`(s), for the predicted class or all
 * classes. The saliency method is the prior's `xai`.
 *
 * @module
 */
import { camMapOptions, camMaps, definePlugin } from "../../mod.ts";

/** The `cam` prior source. */
export const camPriorPlugin = definePlugin({
  kind: "prior",
  name: "cam",
  description: "class activation maps of the trained classifier (the paper's prior)",
  version: "1",
  options: camMapOptions,
  needs: { classifier: "trained" },
  create: (options) => ({ maps: (input) => camMaps(input, options) }),
});
