/**
 * Entry point of `deno task experiment`: the CLI with the built-in plugins registered.
 *
 * @module
 */
import { runCli } from "./core/cli/cli.ts";
import { builtinRegistry } from "./plugins/mod.ts";

if (import.meta.main) await runCli(Deno.args, builtinRegistry());
