/**
 * The `experiment` command line: `run`, `plan`, `step`, `status`, `plugins` and `schema`.
 * The registry is passed in, so core stays free of built-in plugin imports.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { pickBackendName } from "../backend/select.ts";
import { CampriorError, ConfigError } from "../util/errors.ts";
import { createExecutor, executorSettings } from "../run/executor.ts";
import { experimentJsonSchema, loadExperiment } from "../config/experiment.ts";
import { consoleLogger } from "../util/logger.ts";
import { formatPlan, planJson, planStatus } from "../plan/plan_view.ts";
import { planSteps } from "../plan/planner.ts";
import type { Registry } from "../plugin/registry.ts";
import { writeTextAtomic } from "../util/atomic_write.ts";
import { formatPluginList } from "./plugin_list.ts";
import { terminalProgress } from "./progress_bar.ts";
import { table1, table1Markdown } from "../report/table1.ts";
import { runExperiment, storeOf } from "../run/runner.ts";
import { slurmDryRunText, slurmStatusText } from "../../plugins/executor/slurm/commands.ts";
import { runOneStep } from "../run/step_command.ts";

/** The experiment run when no file is given. */
export const DEFAULT_EXPERIMENT = "experiments/quickstart.json";

const USAGE = `usage: deno task experiment [command] [file] [flags]

commands:
  run [file]      run an experiment grid (default ${DEFAULT_EXPERIMENT})
  plan [file]     list the steps and grid cells, and which are done or to do
  step <file> <id>  run one step whose dependencies are finished (what Slurm tasks run)
  status <out>    where the Slurm jobs of an output folder stand (from any shell)
  plugins         list registered plugins and their options
  schema          write the JSON Schema of experiment files (experiment.schema.json)

flags:
  --backend <name>  auto | wasm | cpu | webgpu | tensorflow (overrides the file)
  --out <dir>       output folder (default out/<experiment name>)
  --data <dir>      dataset folder (sets dataset.options.root)
  --fail-fast       stop at the first failing cell
  --executor <name> local | slurm (overrides the file's executor.type)
  --dry-run         with --executor slurm: print the sbatch scripts, submit nothing
  --json            with plan: every step with its resolved settings, as JSON
  -h, --help        this text`;

interface Flags {
  backend?: string;
  out?: string;
  data?: string;
  "fail-fast"?: boolean;
  executor?: string;
  "dry-run"?: boolean;
  json?: boolean;
  help?: boolean;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        backend: { type: "string" },
        out: { type: "string" },
        data: { type: "string" },
        "fail-fast": { type: "boolean" },
        executor: { type: "string" },
        "dry-run": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

/** Runs the CLI; returns the process exit code. */
export async function main(args: readonly string[], registry: Registry): Promise<number> {
  const { values, positionals } = parse(args);
  const flags = values as Flags;
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const [command = "run", file = DEFAULT_EXPERIMENT, ...extra] = positionals;
  if (command === "step") return await stepCommand(file, extra, flags, registry);
  if (command === "status") {
    if (!positionals[1] && !flags.out) throw new ConfigError("usage: status <out folder>");
    console.log(await slurmStatusText(positionals[1] ?? flags.out!));
    return 0;
  }
  if (extra.length > 0) throw new ConfigError(`unexpected arguments: ${extra.join(" ")}`);
  switch (command) {
    case "run":
      return await runCommand(file, flags, registry);
    case "plan":
      return await planCommand(file, flags, registry);
    case "plugins":
      console.log(formatPluginList(registry));
      return 0;
    case "schema":
      return await schemaCommand(flags, registry);
    default:
      throw new ConfigError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

async function load(file: string, flags: Flags, registry: Registry) {
  const experiment = await loadExperiment(file, registry, {
    backend: flags.backend,
    data: flags.data,
  });
  return { experiment, outDir: flags.out ?? join("out", experiment.name) };
}

async function runCommand(file: string, flags: Flags, registry: Registry): Promise<number> {
  const { experiment, outDir } = await load(file, flags, registry);
  const settings = executorSettings(experiment.executor, {
    type: flags.executor,
    dryRun: flags["dry-run"],
  });
  const source = { file, data: flags.data };
  if (settings.type === "slurm" && settings.dryRun) {
    console.log(await slurmDryRunText(experiment, registry, { settings, source, outDir }));
    return 0;
  }
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("\nstopping after the current step (Ctrl-C again to quit now)…");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const summary = await runExperiment(experiment, registry, {
      outDir,
      signal: controller.signal,
      log: consoleLogger,
      progress: terminalProgress(),
      failFast: flags["fail-fast"],
      executor: createExecutor(settings, source),
    });
    const reportDir = summary.reportDir;
    console.log(`\n${experiment.name} on ${summary.backend} (${summary.backendDescription})\n`);
    console.log(table1Markdown(table1(summary.results)));
    console.log(
      `\n${summary.computed.length} steps computed, ${summary.reused.length} reused; ` +
        `report: ${reportDir}`,
    );
    for (const failed of summary.failed) {
      console.error(
        `failed: ${failed.recipe} @ ${failed.sampleSize}% seed ${failed.seed}: ${failed.error}`,
      );
    }
    return summary.failed.length > 0 ? 1 : 0;
  } catch (error) {
    if (controller.signal.aborted && error instanceof CampriorError) {
      throw new CampriorError(
        `${error.message}; finished cells are kept in ${outDir}`,
        error.exitCode,
      );
    }
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

async function stepCommand(
  file: string,
  ids: readonly string[],
  flags: Flags,
  registry: Registry,
): Promise<number> {
  if (ids.length !== 1) throw new ConfigError("usage: step <file> <step-id> [--out <dir>]");
  const { experiment, outDir } = await load(file, flags, registry);
  const signal = new AbortController().signal;
  const options = { outDir, log: consoleLogger, progress: terminalProgress(), signal };
  await runOneStep(experiment, registry, ids[0], options);
  return 0;
}

async function planCommand(file: string, flags: Flags, registry: Registry): Promise<number> {
  const { experiment, outDir } = await load(file, flags, registry);
  const backend = await pickBackendName(experiment.backend, registry);
  const graph = planSteps(experiment, registry, backend);
  const lines = await planStatus(graph, storeOf(outDir));
  if (flags.json) {
    console.log(JSON.stringify(planJson(experiment.name, backend, outDir, graph, lines), null, 2));
    return 0;
  }
  console.log(`${experiment.name}: backend ${backend}, results in ${outDir}`);
  console.log(formatPlan(lines));
  return 0;
}

async function schemaCommand(flags: Flags, registry: Registry): Promise<number> {
  const path = flags.out ?? "experiment.schema.json";
  await writeTextAtomic(path, JSON.stringify(experimentJsonSchema(registry), null, 2) + "\n");
  console.log(`wrote ${path}`);
  return 0;
}

/** Runs `main`, printing user-facing errors without a stack trace. */
export async function runCli(args: readonly string[], registry: Registry): Promise<never> {
  try {
    Deno.exit(await main(args, registry));
  } catch (error) {
    if (error instanceof CampriorError) {
      console.error(`error: ${error.message}`);
      Deno.exit(error.exitCode);
    }
    throw error;
  }
}
