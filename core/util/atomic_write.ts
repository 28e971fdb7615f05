/**
 * Atomic file writes: write a temporary file next to the target, then rename, so a crash
 * never leaves a half-written file where a finished one is expected.
 *
 * @module
 */
import { dirname } from "node:path";
import { onPath } from "./fs_errors.ts";

/** Writes `text` to `path` atomically, creating parent folders. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await onPath(dirname(path), () => Deno.mkdir(dirname(path), { recursive: true }));
  const temp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  await onPath(path, async () => {
    try {
      await Deno.writeTextFile(temp, text);
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  });
}
