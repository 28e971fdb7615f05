/**
 * Runs a command in a Linux user and mount namespace (`unshare -rm`), where a test may mount
 * a read-only or tiny tmpfs, or see a folder owned by an unmapped user, without root on the
 * host. A test helper: tests that need it print NOT RUN when `unshare` is unavailable.
 *
 * @module
 */
import { type CliResult, runToEnd } from "./cli_process.ts";

let available: boolean | undefined;

/** Whether `unshare -rm` works here (Linux with unprivileged user namespaces). */
export async function canUnshare(): Promise<boolean> {
  if (available !== undefined) return available;
  if (Deno.build.os !== "linux") return available = false;
  const probe = await new Deno.Command("unshare", { args: ["-rm", "true"], stderr: "null" })
    .output().catch(() => undefined);
  return available = probe?.success ?? false;
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs `setup` (shell), then `command`, inside a fresh user and mount namespace. */
export function runInNamespace(setup: string, command: readonly string[]): Promise<CliResult> {
  const script = `${setup} && exec ${command.map(quote).join(" ")}`;
  return runToEnd("unshare", ["-rm", "sh", "-c", script]);
}
