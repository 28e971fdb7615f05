/**
 * Turns zod issues into messages that name the path and the problem, e.g.
 * `grid.sampleSizes[2]: expected a number between 1 and 100, got 140`.
 *
 * @module
 */
import { z } from "zod";
import { didYouMean } from "./suggest.ts";

/** A zod issue as reported by `safeParse(…, { reportInput: true })`. */
export type ZodIssue = z.core.$ZodIssue;

/** Formats a path like `grid.sampleSizes[2]`, prefixed by `prefix` when given. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

/**
 * One line per issue: `path: problem`. With the `schema` that was parsed, an unknown field
 * gets the closest known one as a suggestion.
 */
export function formatZodIssues(
  issues: readonly ZodIssue[],
  prefix = "",
  schema?: z.ZodType,
): string {
  return issues.map((issue) => formatIssue(issue, prefix, schema)).join("\n");
}

function formatIssue(issue: ZodIssue, prefix: string, schema?: z.ZodType): string {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    return formatUnion(issue, prefix, schema);
  }
  if (issue.code === "unrecognized_keys") {
    const known = schema ? knownKeys(schema, issue.path) : [];
    const keys = issue.keys.map((k) => `"${k}"${didYouMean(k, known)}`).join(", ");
    const hint = known.length > 0 ? `known: ${known.join(", ")}` : "check the spelling";
    return `${formatPath(issue.path, prefix)}: unknown field ${keys} (${hint})`;
  }
  return `${formatPath(issue.path, prefix)}: ${describe(issue)}`;
}

interface JsonNode {
  properties?: Record<string, JsonNode>;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  items?: JsonNode;
  additionalProperties?: JsonNode | boolean;
}

/** The field names an object at `path` of `schema` accepts. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: JsonNode[] = [
    z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode,
  ];
  const expand = (list: JsonNode[]): JsonNode[] =>
    list.flatMap((n) => [n, ...expand([...(n.anyOf ?? []), ...(n.oneOf ?? [])])]);
  for (const key of path) {
    nodes = expand(nodes).flatMap((n) => {
      if (typeof key === "number") return n.items ? [n.items] : [];
      const child = n.properties?.[String(key)] ??
        (typeof n.additionalProperties === "object" ? n.additionalProperties : undefined);
      return child ? [child] : [];
    });
  }
  return [...new Set(expand(nodes).flatMap((n) => Object.keys(n.properties ?? {})))];
}

/** A union failed: report the alternative that got furthest (deepest path). */
function formatUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  prefix: string,
  schema?: z.ZodType,
): string {
  const best = issue.errors
    .map((alternative) =>
      alternative.map((inner) => ({
        ...inner,
        path: [...issue.path, ...inner.path],
      }))
    )
    .sort((a, b) => depth(b) - depth(a))[0];
  return formatZodIssues(best as ZodIssue[], prefix, schema);
}

function depth(issues: readonly ZodIssue[]): number {
  return Math.max(0, ...issues.map((issue) => issue.path.length));
}

function describe(issue: ZodIssue): string {
  const got = "input" in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : "";
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return `required ${issue.expected} is missing`;
    return `expected ${issue.expected}${got}`;
  }
  if (issue.code === "invalid_value") {
    const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
    return `expected one of ${allowed}${got}`;
  }
  if (issue.message.includes(", got ")) return issue.message;
  return `${lowerFirst(issue.message)}${got}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A number schema whose error reads `expected a number between min and max, got x`. */
export function boundedNumber(min: number, max: number, integer = false): z.ZodNumber {
  const kind = integer ? "an integer" : "a number";
  const message = (issue: { input?: unknown }) =>
    `expected ${kind} between ${min} and ${max}, got ${show(issue.input)}`;
  const base = integer ? z.number({ error: message }).int({ error: message }) : z.number({
    error: message,
  });
  return base.min(min, { error: message }).max(max, { error: message });
}
