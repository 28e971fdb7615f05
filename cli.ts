/**
 * Entry point of `deno task experiment`: the CLI with the built-in plugins registered.
 *
 * @module
 */
import { runCli } from "./core/cli.ts";
import { builtinRegistry } from "./plugins/builtins.ts";

if (import.meta.main) await runCli(Deno.args, builtinRegistry());
