/**
 * Flattens a JSON Schema (as zod writes it) into documented fields: `grid.sampleSizes` with
 * its type, default, allowed range and description, for `plugins`, the generated reference
 * `docs/experiment-file.md` and the test that every field is described.
 *
 * @module
 */

/** The parts of a JSON Schema node the docs read. */
export interface JsonSchemaNode {
  type?: string | string[];
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode | false;
  prefixItems?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** One documented field. */
export interface SchemaField {
  /** `grid.sampleSizes`, `priors.<name>.postprocess[]`. */
  readonly path: string;
  readonly type: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly range?: string;
  readonly description?: string;
}

/** A short type: `integer`, `"a" | "b"`, `number[]`, `[number, number]`, `object`. */
export function typeName(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeName))].join(" | ");
  if (node.prefixItems) return `[${node.prefixItems.map(typeName).join(", ")}]`;
  if (node.type === "array") {
    return node.items ? `${wrap(typeName(node.items))}[]` : "array";
  }
  if (node.type === "object" && !node.properties && node.additionalProperties) {
    return "object";
  }
  if (Array.isArray(node.type)) return node.type.join(" | ");
  return node.type ?? "any";
}

function wrap(type: string): string {
  return type.includes(" | ") ? `(${type})` : type;
}

function rangeOf(node: JsonSchemaNode): string | undefined {
  const low = node.minimum ?? node.exclusiveMinimum;
  if (low === undefined && node.maximum === undefined) return undefined;
  const open = node.exclusiveMinimum !== undefined ? ">" : "≥";
  if (node.maximum === undefined) return `${open} ${low}`;
  if (low === undefined) return `≤ ${node.maximum}`;
  return `${node.exclusiveMinimum !== undefined ? "> " : ""}${low} to ${node.maximum}`;
}

/** Every field of an object schema, depth first, with nested objects, lists and maps. */
export function schemaFields(node: JsonSchemaNode, prefix = ""): SchemaField[] {
  const fields = new Map<string, SchemaField>();
  walk(node, prefix, fields);
  return [...fields.values()];
}

function walk(node: JsonSchemaNode, prefix: string, fields: Map<string, SchemaField>): void {
  for (const alternative of node.anyOf ?? node.oneOf ?? []) walk(alternative, prefix, fields);
  for (const [name, child] of Object.entries(sameShapedKeys(node.properties ?? {}))) {
    const path = prefix ? `${prefix}.${name}` : name;
    const known = fields.get(path);
    const field: SchemaField = {
      path,
      type: known && known.type !== typeName(child)
        ? `${known.type} | ${typeName(child)}`
        : typeName(child),
      default: known && JSON.stringify(known.default) !== JSON.stringify(child.default)
        ? undefined
        : child.default,
      required: (node.required ?? []).includes(name) && child.default === undefined,
      range: rangeOf(child) ?? itemRange(child),
      description: child.description ?? known?.description,
    };
    fields.set(path, field);
    walk(child, path, fields);
    if (child.items && typeof child.items === "object") walk(child.items, `${path}[]`, fields);
    if (typeof child.additionalProperties === "object" && child.additionalProperties.properties) {
      walk(child.additionalProperties, `${path}.<name>`, fields);
    }
  }
}

function itemRange(node: JsonSchemaNode): string | undefined {
  const items = node.items && typeof node.items === "object" ? node.items : undefined;
  const range = items ? rangeOf(items) : undefined;
  return range ? `each ${range}` : undefined;
}

/** Properties that all share one schema (e.g. one per step kind) collapse to `<key>`. */
function sameShapedKeys(
  properties: Record<string, JsonSchemaNode>,
): Record<string, JsonSchemaNode> {
  const entries = Object.entries(properties);
  const shapes = new Set(entries.map(([, node]) => JSON.stringify(node)));
  if (entries.length < 3 || shapes.size !== 1) return properties;
  const node = entries[0][1];
  const keys = entries.map(([name]) => name).join(", ");
  const description = `${node.description ?? "each of them"} (<key>: ${keys})`;
  return { "<key>": { ...node, description } };
}
