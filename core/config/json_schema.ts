/**
 * The JSON Schema of experiment files, for completion in editors (`deno task schema`).
 *
 * @module
 */
import { z } from "zod";
import type { PluginKind } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { AUTO_BACKEND } from "./experiment.ts";
import { experimentFileSchema } from "./experiment_schema.ts";

/**
 * JSON Schema of experiment files for editors. Plugin references become a choice of the
 * registered plugins of each kind, with each plugin's own options.
 */
export function experimentJsonSchema(registry: Registry): Record<string, unknown> {
  const refOf = (kind: PluginKind) => {
    const alternatives = registry.list(kind).map((plugin) =>
      z.strictObject({
        plugin: z.literal(plugin.name).describe(plugin.description),
        options: (plugin.options as z.ZodType).optional(),
      })
    );
    const names = registry.list(kind).map((p) => p.name);
    const byName = names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string();
    return z.union([byName, ...alternatives]);
  };
  const withPlugin = (kind: PluginKind, base: z.ZodObject) => {
    const alternatives = registry.list(kind).map((plugin) =>
      base.extend({
        plugin: z.literal(plugin.name).describe(plugin.description),
        options: (plugin.options as z.ZodType).optional(),
      })
    );
    return alternatives.length > 0 ? z.union(alternatives) : base;
  };
  const shape = experimentFileSchema.shape;
  const schema = experimentFileSchema.extend({
    backend: z.union([z.literal(AUTO_BACKEND), refOf("backend")]).optional(),
    executor: refOf("executor").optional(),
    dataset: refOf("dataset"),
    xai: refOf("xai").optional(),
    classifier: withPlugin("classifier", shape.classifier),
    segmenter: withPlugin("segmenter", shape.segmenter),
    grid: shape.grid.extend({
      strategies: z.array(z.union([
        refOf("strategy"),
        withPlugin("strategy", z.strictObject({ name: z.string().optional() })),
      ])).optional(),
    }),
    priors: z.record(
      z.string(),
      shape.priors.unwrap().valueType.extend({
        source: z.enum(registry.list("prior").map((p) => p.name) as [string, ...string[]])
          .optional().describe("where the prior comes from (a prior source plugin)"),
        xai: refOf("xai").optional(),
        postprocess: z.array(refOf("postprocess")).optional(),
      }),
    ).optional(),
  });
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
