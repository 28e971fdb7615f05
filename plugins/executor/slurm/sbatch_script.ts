/**
 * Text of the sbatch scripts: `#SBATCH` lines for the resources, then one `experiment step`
 * command. A cell array's tasks read their step id from line `SLURM_ARRAY_TASK_ID + 1` of
 * an index file. Dependencies are not in the script: they go on the sbatch command line,
 * since the job ids they name are only known at submission.
 *
 * @module
 */
import type { SlurmResources } from "./settings.ts";

/** How a job runs a step: `<deno> <denoArgs…> step <experiment> <id> --out <outDir> …`. */
export interface StepCommand {
  readonly deno: string;
  /** E.g. `run -A --config deno.json cli.ts`. */
  readonly denoArgs: readonly string[];
  /** The experiment file the tasks load. */
  readonly experiment: string;
  readonly outDir: string;
  /** Backend plugin name, pinned so the step ids match the submitter's. */
  readonly backend: string;
  /** Dataset folder override (`--data`), if the submitter had one. */
  readonly data?: string;
}

/** One sbatch job: a single step, or an array of cells. */
export interface JobSpec {
  /** Name shown by squeue. */
  readonly name: string;
  readonly resources: SlurmResources;
  /** Log file pattern; Slurm fills `%j`, `%A` and `%a`. */
  readonly output: string;
  /** Working directory of the job. */
  readonly chdir: string;
  /** For a cell array: the number of tasks and how many run at once. */
  readonly array?: { readonly size: number; readonly throttle?: number };
  /** The step id, or the index file whose lines name the array's steps. */
  readonly step: { readonly id: string } | { readonly indexFile: string };
  /** Shell lines run first (e.g. `module load cuda`). */
  readonly setup: readonly string[];
  readonly command: StepCommand;
}

/** Quotes a word for bash: `'…'`, with embedded quotes escaped. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The `--array` value: `0-(size-1)`, with `%throttle` when given. */
export function arraySpec(size: number, throttle?: number): string {
  return `0-${size - 1}${throttle === undefined ? "" : `%${throttle}`}`;
}

/** The sbatch options of a job, as `--name=value` words. */
export function sbatchOptions(job: JobSpec): string[] {
  const r = job.resources;
  const options: [string, string | number | undefined][] = [
    ["job-name", job.name],
    ["output", job.output],
    ["chdir", job.chdir],
    ["array", job.array && arraySpec(job.array.size, job.array.throttle)],
    ["partition", r.partition],
    ["account", r.account],
    ["time", r.time],
    ["cpus-per-task", r.cpus],
    ["mem", r.memory],
    ["gpus", r.gpus],
  ];
  return [
    ...options.flatMap(([name, value]) => value === undefined ? [] : [`--${name}=${value}`]),
    ...r.extra ?? [],
  ];
}

/** A `#SBATCH` line; values with spaces are double-quoted, as sbatch reads them. */
function directive(option: string): string {
  const eq = option.indexOf("=");
  if (eq < 0 || !/\s/.test(option)) return `#SBATCH ${option}`;
  return `#SBATCH ${option.slice(0, eq)}="${option.slice(eq + 1).replaceAll('"', '\\"')}"`;
}

function stepLines(job: JobSpec): string[] {
  if ("id" in job.step) return [`STEP=${shellQuote(job.step.id)}`];
  const index = shellQuote(job.step.indexFile);
  return [
    `STEP=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${index})`,
    `[ -n "$STEP" ] || { echo "no step for task $SLURM_ARRAY_TASK_ID in "${index} >&2; exit 2; }`,
  ];
}

/** The full command line of a step, with `"$STEP"` for the id. */
export function commandLine(command: StepCommand): string {
  const words = [
    command.deno,
    ...command.denoArgs,
    "step",
    command.experiment,
  ].map(shellQuote);
  const flags = ["--out", command.outDir, "--backend", command.backend];
  if (command.data !== undefined) flags.push("--data", command.data);
  return `exec ${words.join(" ")} "$STEP" ${flags.map(shellQuote).join(" ")}`;
}

/** The sbatch script of a job. */
export function sbatchScript(job: JobSpec): string {
  return [
    "#!/bin/bash",
    ...sbatchOptions(job).map(directive),
    "set -euo pipefail",
    ...job.setup,
    ...stepLines(job),
    `echo "camprior: step $STEP on $(hostname), job \${SLURM_JOB_ID:-?}" >&2`,
    commandLine(job.command),
    "",
  ].join("\n");
}
