/**
 * SHA-256 checksums of files (streamed, so large artifacts are not held in memory twice)
 * and of small texts.
 *
 * @module
 */
import { createHash } from "node:crypto";

const CHUNK = 4 << 20;

/** The SHA-256 of a file's bytes, hex, and its size. */
export async function checksumFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  const chunk = new Uint8Array(CHUNK);
  let bytes = 0;
  for (;;) {
    const n = await file.read(chunk);
    if (n === null) break;
    hash.update(chunk.subarray(0, n));
    bytes += n;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** The SHA-256 of a UTF-8 text, hex. */
export function checksumText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
