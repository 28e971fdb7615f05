/**
 * The options of the `slurm` executor (`"executor": { "plugin": "slurm", "options": … }`,
 * or `{ "type": "slurm", … }`): resources every job asks for, overrides per step kind (e.g.
 * GPUs only for the networks), the array throttle and how often to poll the scheduler.
 *
 * @module
 */
import { z } from "zod";
import { boundedNumber, STEP_KINDS, type StepKind } from "../../../mod.ts";

const word = (what: string, pattern: RegExp) =>
  z.string().regex(pattern, {
    error: (issue) => `expected ${what}, got ${JSON.stringify(issue.input)}`,
  });

/** What one job asks the scheduler for; unset fields use the cluster's defaults. */
export const slurmResourcesSchema = z.strictObject({
  partition: word("a partition name", /^[\w.,-]+$/).optional()
    .describe("partition (queue) to submit to (--partition)"),
  account: word("an account name", /^[\w.-]+$/).optional()
    .describe("account charged for the jobs (--account)"),
  time: word("a time limit like 30, 02:00:00 or 1-12:00:00", /^[\d:-]+$/).optional()
    .describe("wall-clock limit as sbatch takes it: 30, 02:00:00, 1-12:00:00"),
  cpus: boundedNumber(1, 1024, true).optional()
    .describe("CPUs per task (--cpus-per-task)"),
  memory: word("a memory size like 4G or 16000M", /^\d+[KMGT]?$/).optional()
    .describe("memory per node (--mem), e.g. 4G, 16000M"),
  gpus: z.union([boundedNumber(1, 64, true), word("a GPU count or type:count", /^[\w.-]+:\d+$/)])
    .optional().describe("GPUs per job (--gpus): a count, or type:count like a100:1"),
  extra: z.array(word("an sbatch option starting with -", /^-\S.*$/)).optional()
    .describe("more sbatch options, one per entry, e.g. --qos=short or --constraint=v100"),
});

/** Resources of one job. */
export type SlurmResources = z.output<typeof slurmResourcesSchema>;

const kindResources = slurmResourcesSchema.optional()
  .describe("resources of this step kind, replacing the shared ones it sets");

/** Step kinds with their own resources; any other kind gets the shared ones. */
const stepKindResources = z.strictObject(
  Object.fromEntries(STEP_KINDS.map((kind) => [kind, kindResources])) as Record<
    StepKind,
    typeof kindResources
  >,
);

/** The Slurm executor's settings. */
export const slurmSettingsSchema = slurmResourcesSchema.extend({
  throttle: boundedNumber(1, 100000, true).optional()
    .describe("at most this many tasks of a cell array run at once (--array=0-N%throttle)"),
  steps: stepKindResources.default({})
    .describe('overrides per step kind, e.g. { "segmenter": { "gpus": 1, "time": "04:00:00" } }'),
  setup: z.array(z.string()).default([])
    .describe("shell lines run before each step, e.g. module load cuda"),
  deno: z.string().min(1).optional()
    .describe("the deno executable on the compute nodes (default: the one submitting)"),
  pollSeconds: boundedNumber(0.2, 3600).default(10)
    .describe("seconds between scheduler polls while following the jobs"),
});

/** Slurm executor settings with defaults filled. */
export type SlurmSettings = z.output<typeof slurmSettingsSchema>;

/** Default settings, for `--executor slurm` with a file that names no executor. */
export function defaultSlurmSettings(): SlurmSettings {
  return slurmSettingsSchema.parse({});
}

/** The resources of a step kind: the shared ones, overridden by the kind's own. */
export function resourcesFor(settings: SlurmSettings, kind: StepKind): SlurmResources {
  const byKind: Partial<Record<string, SlurmResources>> = settings.steps;
  const own = byKind[kind] ?? {};
  const defined = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
  return {
    partition: settings.partition,
    account: settings.account,
    time: settings.time,
    cpus: settings.cpus,
    memory: settings.memory,
    gpus: settings.gpus,
    ...defined,
    extra: [...settings.extra ?? [], ...own.extra ?? []],
  };
}
