/**
 * `min-max` postprocess plugin: scales each map to [0, 1] by its minimum and maximum (an
 * all-equal map becomes 0), e.g. after `gaussian-blur`, whose peak falls below 1, so a
 * threshold of 0.5 keeps meaning "at least half the peak".
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Map2D, minMaxScale } from "../../mod.ts";

/** The `min-max` postprocess plugin. */
export const minMaxPlugin = definePlugin({
  kind: "postprocess",
  name: "min-max",
  description: "scale each map to [0, 1] by its minimum and maximum",
  version: "1",
  options: z.strictObject({}),
  create: () => ({
    apply: (map: Map2D) => ({ ...map, data: minMaxScale(map.data) }),
  }),
});
