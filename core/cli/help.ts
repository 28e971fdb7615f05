/**
 * What each command takes and does: the source of the global help, each command's own
 * `--help` and the flags it accepts.
 *
 * @module
 */
import { flagHelp, type FlagName } from "./flags.ts";

/** The experiment run when no file is given. */
export const DEFAULT_EXPERIMENT = "experiments/quickstart.json";

/** One command of the CLI. */
export interface CommandSpec {
  readonly name: string;
  /** Positional arguments as shown in the usage line. */
  readonly args: string;
  readonly summary: string;
  readonly flags: readonly FlagName[];
  /** Paragraphs shown by `<command> --help` after the usage line. */
  readonly details?: string;
}

const EXPERIMENT_FLAGS = ["backend", "out", "data", "set"] as const satisfies FlagName[];

/** The commands, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "run",
    args: "[file]",
    summary: `run an experiment grid (default ${DEFAULT_EXPERIMENT})`,
    flags: [
      ...EXPERIMENT_FLAGS,
      "fail-fast",
      "wait",
      "executor",
      "jobs",
      "dry-run",
      "progress-every",
    ],
    details: `Runs every unfinished step and writes the report; finished steps are reused, so a
re-run computes only what is missing. Prints the path of the report page at the end.
\`deno task experiment <file>\` is short for \`run <file>\`.
Progress: bars on a terminal; otherwise a line per step (with the grid's ETA) and a line at
least every --progress-every seconds during long steps. Each step's epochs are also in
<out>/logs/<step-id>.log.
Parallel steps: the local executor runs independent steps in a pool of worker processes
(\`step --serve\`: each runs steps one after another and stays warm for the next; a step's
output is in <out>/logs/<step-id>.worker.log); --jobs sets how many at once (default: the
cores, as far as memory allows). Ctrl-C stops every worker; finished steps are kept,
unfinished ones run again next time.
One run at a time per output folder (<out>/run.lock): another run on it exits naming this one,
or waits with --wait. Reused artifacts are verified against their checksums first; a damaged
one is named, moved to <out>/artifacts/.damaged/ and computed again.`,
  },
  {
    name: "plan",
    args: "[file]",
    summary: "list the steps, which are done or to do, and what the rest will cost",
    flags: [...EXPERIMENT_FLAGS, "json", "no-estimate", "recalibrate"],
    details: `The cost estimate times a few training and inference batches of each network on
the chosen backend (cached per machine and backend) and multiplies by the step counts; the
first plan of an experiment also prepares its data (which the run then reuses).`,
  },
  {
    name: "status",
    args: "<out>",
    summary: "done / running / failed / to do per step of an output folder (any shell)",
    flags: ["out"],
  },
  {
    name: "verify",
    args: "<out>",
    summary: "check every stored artifact of an output folder against its checksums",
    flags: ["out"],
    details: `Checks each artifact's files (size and SHA-256) and manifest, and that it was computed
from the artifacts there now; changes nothing. Exit code 1 when one is damaged or outdated (the
next run computes those again).`,
  },
  {
    name: "step",
    args: "<file> <step-id>",
    summary: "run one step whose dependencies are finished (Slurm tasks, pool workers)",
    flags: [...EXPERIMENT_FLAGS, "progress-every", "serve"],
  },
  {
    name: "predict",
    args: "<out>",
    summary: "segment new NIfTI volumes with a finished cell; writes NIfTI labels",
    flags: ["cell", "input", "output", "backend"],
    details: `The volumes are preprocessed as the run's data, the cell's priors are computed as for
its test slices (CAM maps of the stored classifier, post-processed), the cell's stored
network predicts, and each volume's labels are written to --output as <name>.nii.gz in the
source geometry. Files <patient>_frameNN of one patient are cropped together (ED and ES).
Example: predict out/acdc --cell "1Ch+CAM*@25%/seed1" --input scans/ --output labels/`,
  },
  {
    name: "explain",
    args: "[out]",
    summary: "saliency maps of a trained classifier for NIfTI volumes (NIfTI + PNG overlays)",
    flags: ["classifier", "xai", "input", "output", "backend"],
    details: `With an output folder: its main classifier (or --classifier <step-id>), its saliency
method (or --xai) and its preprocessing. Without one: --classifier <checkpoint folder>
(model.json and weights.bin, as classifier steps store them), default preprocessing.
Writes <name>_cam.nii.gz (maps in the source geometry) and <name>_sliceKK.png (slice and
map over it) per volume.`,
  },
  {
    name: "plugins",
    args: "[file]",
    summary: "list the plugins and their options (with the file's own plugins)",
    flags: [],
  },
  {
    name: "schema",
    args: "",
    summary: "write the JSON Schema of experiment files (experiment.schema.json)",
    flags: ["out"],
  },
  {
    name: "docs",
    args: "",
    summary: "write the reference of experiment-file options (docs/experiment-file.md)",
    flags: ["out"],
  },
];

/** The spec of a command by name. */
export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The global help. */
export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length)) + 2;
  return [
    "usage: deno task experiment [command] [file] [flags]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}${c.summary}`),
    "",
    "`deno task experiment <file>` is short for `run <file>`; no command runs the quickstart.",
    "`<command> --help` shows a command's flags.",
  ].join("\n");
}

/** The help of one command: usage, summary, details and its flags. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `usage: deno task experiment ${spec.name}${spec.args ? ` ${spec.args}` : ""} [flags]`,
    "",
    spec.summary,
    ...(spec.details ? ["", spec.details] : []),
    "",
    "flags:",
    ...flagHelp([...spec.flags, "help"]),
  ].join("\n");
}
