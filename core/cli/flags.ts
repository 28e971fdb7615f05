/**
 * Command-line flags: one table of every flag with its help line, and a parser that
 * accepts only the flags of the command at hand, suggesting the closest one on a typo.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../util/errors.ts";
import { didYouMean } from "../util/suggest.ts";

/** Every flag the CLI knows: its type, argument name and help line. */
export const FLAGS = {
  backend: {
    type: "string",
    arg: "<name>",
    help: "compute backend: auto or a backend plugin (wasm | cpu | webgpu | tensorflow)",
  },
  out: { type: "string", arg: "<dir>", help: "output folder (default out/<experiment name>)" },
  data: { type: "string", arg: "<dir>", help: "dataset folder (sets dataset.options.root)" },
  set: {
    type: "string",
    multiple: true,
    arg: "<path=value>",
    help: "change one setting of the file, e.g. --set segmenter.training.epochs=5 (repeatable)",
  },
  "fail-fast": { type: "boolean", help: "stop at the first failing step" },
  wait: {
    type: "boolean",
    help: "when another run is using --out, wait for it to end instead of exiting",
  },
  executor: {
    type: "string",
    arg: "<name>",
    help: "executor plugin: local | slurm (overrides the file's executor)",
  },
  jobs: {
    type: "string",
    arg: "<n|auto>",
    help: "local executor: steps run at once, each in its own process (default auto: the " +
      "cores, as far as memory allows; 1: one after another in this process)",
  },
  "dry-run": {
    type: "boolean",
    help: "print what the executor would submit (slurm: the sbatch scripts), run nothing",
  },
  "progress-every": {
    type: "string",
    arg: "<seconds>",
    help: "without a terminal: a progress line at least this often (default 60)",
  },
  serve: {
    type: "boolean",
    help: "read step ids from stdin, one per line, and run each in this process, answering " +
      "on stdout (the local executor's pool workers)",
  },
  json: { type: "boolean", help: "print the plan as JSON (every step with its settings)" },
  "no-estimate": { type: "boolean", help: "skip the cost estimate (and its calibration)" },
  recalibrate: { type: "boolean", help: "time the networks again instead of using the cache" },
  cell: { type: "string", arg: "<cell>", help: 'a finished grid cell, e.g. "1Ch+CAM*@25%/seed1"' },
  input: { type: "string", arg: "<path>", help: "a NIfTI file or a folder of them" },
  output: { type: "string", arg: "<dir>", help: "folder to write the results to" },
  classifier: {
    type: "string",
    arg: "<step-id|dir>",
    help: "a classifier step id of <out>, or a classifier checkpoint folder",
  },
  xai: { type: "string", arg: "<name>", help: "saliency method (default: the experiment's xai)" },
  help: { type: "boolean", short: "h", help: "help for the command" },
} as const;

/** Name of a known flag. */
export type FlagName = keyof typeof FLAGS;

/** Parsed flag values by name. */
export type FlagValues = {
  [K in FlagName]?: (typeof FLAGS)[K]["type"] extends "boolean" ? boolean
    : (typeof FLAGS)[K] extends { multiple: true } ? string[]
    : string;
};

/** Flags and positional arguments of one command. */
export interface ParsedArgs {
  readonly flags: FlagValues;
  readonly positionals: readonly string[];
}

/**
 * Parses `args` allowing only `allowed` flags (and `--help`). An unknown flag is an error
 * that suggests the closest allowed flag, or names the commands that do take it.
 */
export function parseFlags(
  command: string,
  args: readonly string[],
  allowed: readonly FlagName[],
): ParsedArgs {
  const names = [...new Set<FlagName>([...allowed, "help"])];
  const options = Object.fromEntries(names.map((name) => {
    const { type, ...rest } = FLAGS[name];
    const short = "short" in rest ? { short: rest.short } : {};
    const multiple = "multiple" in rest ? { multiple: rest.multiple } : {};
    return [name, { type, ...short, ...multiple }];
  }));
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options,
    });
    return { flags: values as FlagValues, positionals };
  } catch (error) {
    throw new ConfigError(flagProblem(command, error as Error, names));
  }
}

function flagProblem(command: string, error: Error, allowed: readonly FlagName[]): string {
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (!unknown) return `${command}: ${error.message.split(". To specify")[0]}`;
  const [, dashes, name] = unknown;
  const flag = `${dashes}${name}`;
  if (name in FLAGS) {
    return `${command}: ${flag} is not a flag of "${command}" (its flags: ` +
      `${allowed.map((f) => `--${f}`).join(", ")}; see \`${command} --help\`)`;
  }
  const hint = didYouMean(name, Object.keys(FLAGS).filter((f) => allowed.includes(f as FlagName)))
    .replace(/"/g, "").replace("mean ", "mean --");
  return `${command}: unknown flag ${flag}${hint} (see \`${command} --help\`)`;
}

/** Help lines of the given flags, aligned. */
export function flagHelp(names: readonly FlagName[]): string[] {
  const heads = names.map((name) => {
    const spec: { type: string; help: string; short?: string; arg?: string } = FLAGS[name];
    const short = spec.short ? `-${spec.short}, ` : "";
    return `${short}--${name}${spec.arg ? ` ${spec.arg}` : ""}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return names.map((name, i) => `  ${heads[i].padEnd(width)}${FLAGS[name].help}`);
}
