/**
 * Runs the CLI's `main` in the test process (much faster than spawning Deno), capturing
 * what it prints and turning a user-facing error into its exit code and message.
 *
 * @module
 */
import { main } from "../../core/cli/cli.ts";
import { CampriorError } from "../../core/util/errors.ts";
import { builtinRegistry } from "../../plugins/mod.ts";

/** Exit code, stdout and stderr of `deno task experiment ...args`. */
export async function cliInProcess(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => err.push(parts.join(" "));
  try {
    const code = await main(args, builtinRegistry());
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } catch (e) {
    if (!(e instanceof CampriorError)) throw e;
    err.push(`error: ${e.message}`);
    return { code: e.exitCode, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    Object.assign(console, { log, error });
  }
}
