/**
 * How executors that start other processes run the CLI: `deno run -A [--config deno.json]
 * cli.ts`, for the repository's `cli.ts` next to these plugins (Slurm jobs, pool workers).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The entry point other processes run (the repository's `cli.ts`). */
const ENTRY = new URL("../../cli.ts", import.meta.url);

/** `run -A [--config deno.json] cli.ts`: the arguments of `deno` that start the CLI. */
export function cliDenoArgs(): string[] {
  if (ENTRY.protocol !== "file:") return ["run", "-A", ENTRY.href];
  const entry = fileURLToPath(ENTRY);
  const config = join(dirname(entry), "deno.json");
  const hasConfig = (() => {
    try {
      return Deno.statSync(config).isFile;
    } catch {
      return false;
    }
  })();
  return ["run", "-A", ...(hasConfig ? ["--config", config] : []), entry];
}
