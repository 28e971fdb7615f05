/**
 * `random-cam` prior source, a control: the same maps as `cam` (same classifier network,
 * saliency method, layers and target) from the network freshly initialised instead of
 * trained. A gain of `cam` over it is owed to what the classifier learned.
 *
 * @module
 */
import { camMapOptions, camMaps, definePlugin } from "../../mod.ts";

/** The `random-cam` prior source. */
export const randomCamPriorPlugin = definePlugin({
  kind: "prior",
  name: "random-cam",
  description: "control: class activation maps of the untrained (randomly initialised) classifier",
  version: "1",
  options: camMapOptions,
  needs: { classifier: "untrained" },
  create: (options) => ({ maps: (input) => camMaps(input, options) }),
});
