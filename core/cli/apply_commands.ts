/**
 * `predict` and `explain`: use what a run trained on new volumes.
 *
 * ```sh
 * deno task experiment predict out/acdc --cell "1Ch+CAM*@25%/seed1" --input scans/ --output labels/
 * deno task experiment explain out/acdc --input scans/ --output cams/
 * deno task experiment explain --classifier path/to/checkpoint --input scan.nii.gz --output cams/
 * ```
 *
 * @module
 */
import { resolveBackend } from "../backend/select.ts";
import type { ResolvedRef } from "../config/experiment.ts";
import type { ClassifierStep, Step } from "../plan/step.ts";
import type { Registry } from "../plugin/registry.ts";
import { loadClassifier } from "../steps/classifier/classifier_step.ts";
import { preprocessSlices } from "../steps/data/preprocess.ts";
import { pluginContext } from "../steps/env.ts";
import { loadClassifierCheckpoint } from "../training/checkpoint.ts";
import { ConfigError } from "../util/errors.ts";
import { consoleLogger } from "../util/logger.ts";
import { didYouMean } from "../util/suggest.ts";
import { explainVolumes } from "../apply/explain.ts";
import { readInputVolumes } from "../apply/input_volumes.ts";
import { predictVolumes, prepareLikeRun } from "../apply/predict.ts";
import { findCell, openStoredRun, type StoredRun } from "../apply/stored_run.ts";
import type { FlagValues } from "./flags.ts";

function required(flags: FlagValues, name: "input" | "output" | "cell", command: string): string {
  const value = flags[name];
  if (!value) {
    throw new ConfigError(`${command}: --${name} is required (see \`${command} --help\`)`);
  }
  return value;
}

/** `predict <out> --cell … --input … --output …`. */
export async function predictCommand(
  out: string | undefined,
  flags: FlagValues,
  registry: Registry,
): Promise<number> {
  if (!out) throw new ConfigError("predict: which output folder? (usage: predict <out> --cell …)");
  const [spec, input, output] = (["cell", "input", "output"] as const).map((f) =>
    required(flags, f, "predict")
  );
  const volumes = await readInputVolumes(input);
  const run = await openStoredRun(out, registry, consoleLogger, flags.backend);
  const cell = await findCell(run, spec);
  const written = await predictVolumes(run, cell, volumes, output);
  for (const w of written) console.log(`${w.input} → ${w.output}`);
  return 0;
}

/** The classifier to explain in a stored run: `--classifier <step id>`, or the main one. */
function classifierStep(run: StoredRun, id: string | undefined): ClassifierStep {
  const classifiers = run.graph.steps.filter((s): s is ClassifierStep => s.kind === "classifier");
  if (id === undefined) {
    const main = classifiers.find((s) => !s.settings.sample && !s.settings.fold) ?? classifiers[0];
    if (!main) throw new ConfigError(`${run.outDir}: the experiment trains no classifier`);
    return main;
  }
  const step = classifiers.find((s) => s.id === id);
  if (!step) {
    const ids = classifiers.map((s) => `${s.id} (${s.label})`);
    throw new ConfigError(
      `--classifier ${id}: not a classifier step of ${run.outDir}` +
        `${didYouMean(id, classifiers.map((s) => s.id))}; classifiers: ${ids.join(", ")}`,
    );
  }
  return step;
}

/** The saliency method: `--xai`, else the one the experiment's first CAM source used. */
function xaiRef(registry: Registry, name: string | undefined, steps: readonly Step[]): ResolvedRef {
  if (name !== undefined) {
    const options = registry.parseOptions("xai", name, {}, "--xai") as Record<string, unknown>;
    return { plugin: name, options };
  }
  for (const step of steps) {
    if (step.kind === "source" && step.settings.xai) return step.settings.xai;
  }
  return { plugin: "gradcam", options: {} };
}

/** `explain [<out>] [--classifier …] --input … --output … [--xai …]`. */
export async function explainCommand(
  out: string | undefined,
  flags: FlagValues,
  registry: Registry,
): Promise<number> {
  const [input, output] = (["input", "output"] as const).map((f) => required(flags, f, "explain"));
  const volumes = await readInputVolumes(input);
  let written;
  if (out !== undefined) {
    const run = await openStoredRun(out, registry, consoleLogger, flags.backend);
    const step = classifierStep(run, flags.classifier);
    if (!(await run.env.store.has(step.id))) {
      throw new ConfigError(`${step.label} is not finished in ${out} (run the experiment first)`);
    }
    const network = await loadClassifier(run.env, step.id);
    const context = pluginContext(run.env, step.settings.seed);
    const xai = xaiRef(registry, flags.xai, run.graph.steps);
    const prepared = prepareLikeRun(run, volumes);
    written = await explainVolumes({ registry, context, network, xai, volumes, prepared }, output)
      .finally(() => network.model.dispose());
  } else {
    if (!flags.classifier) {
      throw new ConfigError(
        "explain: give an output folder of a run, or --classifier <checkpoint folder>",
      );
    }
    const context = {
      seed: 1,
      workDir: ".",
      log: consoleLogger,
      signal: new AbortController().signal,
    };
    await resolveBackend({ plugin: flags.backend ?? "auto", options: {} }, registry, context);
    const network = await loadClassifierCheckpoint(flags.classifier);
    const size = network.model.inputs[0].shape[1] ?? 128;
    const prepared = preprocessSlices(volumes.flatMap((v) => v.slices), { size });
    const xai = xaiRef(registry, flags.xai, []);
    written = await explainVolumes({ registry, context, network, xai, volumes, prepared }, output)
      .finally(() => network.model.dispose());
  }
  for (const w of written) console.log(`${w.input} → ${w.nifti} and ${w.pngs.length} PNGs`);
  return 0;
}
