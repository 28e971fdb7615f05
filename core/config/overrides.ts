/**
 * `--set path=value` overrides: changes to the experiment file's JSON made before it is
 * validated, so the same schema checks them and step ids see their effect.
 *
 * Paths are dot-separated keys with `[i]` list indices; a key with dots or other special
 * characters goes in brackets and quotes: `priors["CAM*"].postprocess[0].options.size=8`.
 * Values are JSON (`5`, `[25]`, `{"type":"cosine"}`, `true`); anything that is not valid
 * JSON is taken as a string (`backend=wasm`).
 *
 * @module
 */
import { ConfigError } from "../util/errors.ts";

/** One parsed override. */
export interface Override {
  /** As written, for messages. */
  readonly text: string;
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** Parses `path=value`; a {@linkcode ConfigError} names the override when it is malformed. */
export function parseOverride(text: string): Override {
  const at = text.indexOf("=");
  if (at <= 0) {
    throw new ConfigError(
      `--set ${text}: expected path=value, e.g. --set segmenter.training.epochs=5`,
    );
  }
  const path = parsePath(text.slice(0, at).trim(), text);
  return { text, path, value: parseValue(text.slice(at + 1)) };
}

function parsePath(source: string, text: string): (string | number)[] {
  const path: (string | number)[] = [];
  const pattern = /^(?:\.?([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;
  let rest = source;
  while (rest.length > 0) {
    const match = pattern.exec(rest);
    if (!match || (path.length === 0 && rest.startsWith("."))) {
      throw new ConfigError(
        `--set ${text}: cannot read the path at "${rest}" (keys with dots or special ` +
          `characters go in brackets: priors["CAM*"].postprocess[0].options.size=8)`,
      );
    }
    path.push(
      match[1] ?? (match[2] !== undefined ? Number(match[2]) : JSON.parse(`"${match[3]}"`)),
    );
    rest = rest.slice(match[0].length);
  }
  return path;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `path` in the style of validation messages: `grid.sampleSizes[0]`. */
export function overridePath(path: readonly (string | number)[]): string {
  return path.map((key, i) =>
    typeof key === "number"
      ? `[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${i === 0 ? "" : "."}${key}`
      : `[${JSON.stringify(key)}]`
  ).join("");
}

/**
 * A copy of the raw experiment JSON with the overrides applied in order. Missing objects on
 * the way are created; a plugin written by name (`"xai": "gradcam"`) becomes
 * `{ "plugin": "gradcam" }` when an override reaches into it.
 */
export function applyOverrides(raw: unknown, overrides: readonly Override[]): unknown {
  const root = structuredClone(raw);
  for (const override of overrides) setPath(root, override);
  return root;
}

function setPath(root: unknown, override: Override): void {
  let node = root as Record<string | number, unknown>;
  const { path } = override;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    let next = node[key];
    if (typeof next === "string" && (path[i + 1] === "options" || path[i + 1] === "plugin")) {
      next = node[key] = { plugin: next };
    } else if (next === undefined || next === null) {
      next = node[key] = typeof path[i + 1] === "number" ? [] : {};
    }
    if (typeof next !== "object") {
      throw new ConfigError(
        `--set ${override.text}: ${overridePath(path.slice(0, i + 1))} is ` +
          `${JSON.stringify(next)}, not an object or list`,
      );
    }
    if (Array.isArray(next) !== (typeof path[i + 1] === "number")) {
      const expected = Array.isArray(next) ? "a list index like [0]" : "a field name";
      throw new ConfigError(
        `--set ${override.text}: ${overridePath(path.slice(0, i + 1))} expects ${expected}`,
      );
    }
    node = next as Record<string | number, unknown>;
  }
  if (typeof node !== "object" || node === null) {
    throw new ConfigError(`--set ${override.text}: the experiment file is not a JSON object`);
  }
  node[path[path.length - 1]] = override.value;
}
