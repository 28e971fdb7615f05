/**
 * Text listing of registered plugins with their options (for `experiment plugins [file]`):
 * each option's type, default and description; plugins an experiment file loads are marked.
 *
 * @module
 */
import { z } from "zod";
import { type AnyPlugin, KIND_DESCRIPTIONS } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { type JsonSchemaNode, typeName } from "../config/schema_fields.ts";

/** The options of a plugin, one line each: `name: type = default  description`. */
export function describeOptions(plugin: AnyPlugin, indent = "      "): string[] {
  const schema = z.toJSONSchema(plugin.options as z.ZodType, {
    io: "input",
    unrepresentable: "any",
  }) as { properties?: Record<string, JsonSchemaNode> };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const fallback = property.default === undefined ? "" : ` = ${JSON.stringify(property.default)}`;
    const text = property.description ? `  ${property.description}` : "";
    return `${indent}${name}: ${typeName(property)}${fallback}${text}`;
  });
}

/**
 * Plugins grouped by kind, each with its description and options; `origins` marks the
 * plugins loaded from an experiment file's modules.
 */
export function formatPluginList(
  registry: Registry,
  origins: ReadonlyMap<AnyPlugin, string> = new Map(),
): string {
  const lines: string[] = [];
  let kind = "";
  for (const plugin of registry.list()) {
    if (plugin.kind !== kind) {
      kind = plugin.kind;
      lines.push(`${kind}: (${KIND_DESCRIPTIONS[plugin.kind]})`);
    }
    const origin = origins.get(plugin);
    const from = origin ? ` [from ${origin}]` : "";
    lines.push(`  ${plugin.name} (v${plugin.version})${from}: ${plugin.description}`);
    lines.push(...describeOptions(plugin));
  }
  return lines.join("\n");
}
