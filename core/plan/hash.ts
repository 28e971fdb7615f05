/**
 * Content hashes of settings: stable JSON (sorted keys) through SHA-256.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal settings give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

/** A short hex hash (16 characters) of a value's stable JSON. */
export function hashOf(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 16);
}
