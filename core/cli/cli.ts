/**
 * The `experiment` command line: `run`, `plan`, `status`, `step`, `plugins`, `schema` and
 * `docs`, each with its own `--help`; misspelt commands and flags get a suggestion. The
 * registry is passed in, so core stays free of built-in plugin imports.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { CampriorError, ConfigError } from "../util/errors.ts";
import { loadExperiment, readExperimentJson } from "../config/experiment.ts";
import { experimentJsonSchema } from "../config/json_schema.ts";
import { consoleLogger } from "../util/logger.ts";
import type { AnyPlugin } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { didYouMean } from "../util/suggest.ts";
import { type FlagValues, parseFlags } from "./flags.ts";
import { commandHelp, COMMANDS, commandSpec, DEFAULT_EXPERIMENT, globalHelp } from "./help.ts";
import { formatPluginList } from "./plugin_list.ts";
import { terminalProgress } from "./progress_bar.ts";
import { planCommand } from "./plan_command.ts";
import { runCommand } from "./run_command.ts";
import { statusText } from "./status_command.ts";
import { runOneStep } from "../run/step_command.ts";
import { serveSteps } from "../run/step_server.ts";
import { stepStop } from "../run/step_stop.ts";
import { explainCommand, predictCommand } from "./apply_commands.ts";
import { formatVerifyReport, verifyOutput } from "../run/verify_output.ts";
import { fsError } from "../util/fs_errors.ts";

export { DEFAULT_EXPERIMENT };

/** Runs the CLI; returns the process exit code. */
export async function main(args: readonly string[], registry: Registry): Promise<number> {
  const picked = pickCommand(args);
  if (!picked) {
    console.log(globalHelp());
    return 0;
  }
  const spec = commandSpec(picked.command)!;
  const { flags, positionals } = parseFlags(spec.name, picked.rest, spec.flags);
  if (flags.help) {
    console.log(commandHelp(spec));
    return 0;
  }
  const maxArgs = spec.args.split(" ").filter(Boolean).length;
  if (positionals.length > maxArgs) {
    throw new ConfigError(
      `${spec.name}: unexpected arguments: ${positionals.slice(maxArgs).join(" ")} ` +
        `(usage: ${spec.name} ${spec.args}; see \`${spec.name} --help\`)`,
    );
  }
  const file = positionals[0] ?? DEFAULT_EXPERIMENT;
  switch (spec.name) {
    case "run": {
      const { experiment, outDir } = await load(file, flags, registry);
      const source = { file, data: flags.data, set: flags.set };
      return await runCommand({
        experiment,
        outDir,
        source,
        dryRun: flags["dry-run"],
        failFast: flags["fail-fast"],
        wait: flags.wait,
        progress: { everySeconds: progressEvery(flags) },
      }, registry);
    }
    case "plan": {
      const { experiment, outDir } = await load(file, flags, registry);
      return await planCommand(experiment, outDir, registry, {
        json: flags.json,
        estimate: !flags["no-estimate"],
        recalibrate: flags.recalibrate,
      });
    }
    case "status": {
      const out = positionals[0] ?? flags.out;
      if (!out) throw new ConfigError(`status: which output folder? (usage: status <out>)`);
      console.log(await statusText(out, registry));
      return 0;
    }
    case "verify": {
      const out = positionals[0] ?? flags.out;
      if (!out) throw new ConfigError(`verify: which output folder? (usage: verify <out>)`);
      const report = await verifyOutput(out);
      console.log(formatVerifyReport(report));
      return report.ok ? 0 : 1;
    }
    case "step":
      return await stepCommand(positionals, flags, registry);
    case "predict":
      return await predictCommand(positionals[0], flags, registry);
    case "explain":
      return await explainCommand(positionals[0], flags, registry);
    case "plugins":
      return await pluginsCommand(positionals[0], registry);
    case "schema":
      return await writeOut(
        flags.out ?? "experiment.schema.json",
        JSON.stringify(experimentJsonSchema(registry), null, 2) + "\n",
      );
    case "docs": {
      const { experimentFileDocs } = await import("../config/experiment_docs.ts");
      return await writeOut(flags.out ?? "docs/experiment-file.md", experimentFileDocs(registry));
    }
  }
  throw new Error(`command ${spec.name} has no handler`);
}

/**
 * The command and its arguments. No command (or a leading flag) means `run`; a first
 * argument that names a file means `run <file>`; `help [command]` and `-h` print help.
 */
function pickCommand(args: readonly string[]): { command: string; rest: string[] } | undefined {
  const [first, ...rest] = args;
  if (first === "-h" || first === "--help") return undefined;
  if (first === "help") {
    if (rest.length === 0) return undefined;
    return { command: knownCommand(rest[0]), rest: ["--help"] };
  }
  if (first === undefined || first.startsWith("-")) return { command: "run", rest: [...args] };
  if (commandSpec(first)) return { command: first, rest };
  if (looksLikeFile(first)) return { command: "run", rest: [...args] };
  return { command: knownCommand(first), rest };
}

function knownCommand(name: string): string {
  if (commandSpec(name)) return name;
  const names = COMMANDS.map((c) => c.name);
  throw new ConfigError(
    `unknown command "${name}"${didYouMean(name, names)}; commands: ${names.join(", ")} ` +
      `(\`--help\` describes them; \`deno task experiment <file.json>\` runs a file)`,
  );
}

function looksLikeFile(arg: string): boolean {
  if (arg.endsWith(".json")) return true;
  try {
    return Deno.statSync(arg).isFile;
  } catch {
    return false;
  }
}

function progressEvery(flags: FlagValues): number | undefined {
  if (flags["progress-every"] === undefined) return undefined;
  const seconds = Number(flags["progress-every"]);
  if (!(seconds > 0)) {
    throw new ConfigError(
      `--progress-every: expected a number of seconds above 0, got "${flags["progress-every"]}"`,
    );
  }
  return seconds;
}

async function load(file: string, flags: FlagValues, registry: Registry) {
  const experiment = await loadExperiment(file, registry, {
    backend: flags.backend,
    executor: flags.executor,
    data: flags.data,
    set: flags.set,
    jobs: jobsOf(flags),
  });
  return { experiment, outDir: flags.out ?? join("out", experiment.name) };
}

/** `--jobs`: a whole number of at least 1, or `auto`. */
function jobsOf(flags: FlagValues): number | "auto" | undefined {
  const value = flags.jobs;
  if (value === undefined || value === "auto") return value;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new ConfigError(`--jobs: expected a whole number of at least 1 or auto, got "${value}"`);
  }
  return jobs;
}

async function stepCommand(
  positionals: readonly string[],
  flags: FlagValues,
  registry: Registry,
): Promise<number> {
  if (positionals.length !== (flags.serve ? 1 : 2)) {
    throw new ConfigError(
      "step: usage: step <file> <step-id> [--out <dir>], or step <file> --serve",
    );
  }
  const { experiment, outDir } = await load(positionals[0], flags, registry);
  const stop = stepStop();
  const progress = terminalProgress({ everySeconds: progressEvery(flags) });
  const options = { outDir, log: consoleLogger, progress, signal: stop.signal };
  try {
    if (flags.serve) {
      const stdout = Deno.stdout.writable.getWriter();
      const encoder = new TextEncoder();
      const reply = (line: string) => stdout.write(encoder.encode(line));
      await serveSteps(experiment, registry, options, { input: Deno.stdin.readable, reply });
    } else await runOneStep(experiment, registry, positionals[1], options);
  } finally {
    stop.dispose();
  }
  return 0;
}

async function pluginsCommand(file: string | undefined, registry: Registry): Promise<number> {
  const origins = new Map<AnyPlugin, string>();
  if (file !== undefined) {
    const raw = await readExperimentJson(file) as { plugins?: unknown };
    const specifiers = Array.isArray(raw.plugins) ? raw.plugins.map(String) : [];
    for (const specifier of specifiers) {
      try {
        const loaded = await registry.loadModules([specifier], dirname(resolve(file)));
        for (const plugin of loaded) origins.set(plugin, specifier);
      } catch (error) {
        if (error instanceof ConfigError) throw new ConfigError(`${file}: ${error.message}`);
        throw error;
      }
    }
    const mine = [...origins.entries()].map(([p, from]) => `${p.kind} ${p.name} (${from})`);
    console.log(
      mine.length > 0
        ? `${file} loads: ${mine.join(", ")}\n`
        : `${file} loads no plugins of its own; the built-ins:\n`,
    );
  }
  console.log(formatPluginList(registry, origins));
  return 0;
}

async function writeOut(path: string, text: string): Promise<number> {
  await writeTextAtomic(path, text);
  console.log(`wrote ${path}`);
  return 0;
}

/** Runs `main`, printing user-facing errors without a stack trace. */
export async function runCli(args: readonly string[], registry: Registry): Promise<never> {
  try {
    Deno.exit(await main(args, registry));
  } catch (caught) {
    const error = fsError(caught, "(unnamed path)");
    if (error instanceof CampriorError) {
      console.error(`error: ${error.message}`);
      Deno.exit(error.exitCode);
    }
    throw error;
  }
}
