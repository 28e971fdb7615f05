/**
 * Text listing of registered plugins with their options (for `experiment plugins`).
 *
 * @module
 */
import { z } from "zod";
import type { AnyPlugin } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";

function describeOptions(plugin: AnyPlugin): string[] {
  const schema = z.toJSONSchema(plugin.options as z.ZodType, {
    io: "input",
    unrepresentable: "any",
  }) as { properties?: Record<string, { type?: string; default?: unknown; enum?: unknown[] }> };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const type = property.enum
      ? property.enum.map((v) => JSON.stringify(v)).join("|")
      : property.type ?? "value";
    const fallback = property.default === undefined ? "" : ` = ${JSON.stringify(property.default)}`;
    return `      ${name}: ${type}${fallback}`;
  });
}

/** Plugins grouped by kind, each with its description and options. */
export function formatPluginList(registry: Registry): string {
  const lines: string[] = [];
  let kind = "";
  for (const plugin of registry.list()) {
    if (plugin.kind !== kind) {
      kind = plugin.kind;
      lines.push(`${kind}:`);
    }
    lines.push(`  ${plugin.name} (v${plugin.version}): ${plugin.description}`);
    lines.push(...describeOptions(plugin));
  }
  return lines.join("\n");
}
