/**
 * A thin wrapper around the Slurm commands (`sinfo`, `sbatch`, `squeue`, `sacct`,
 * `scancel`): runs them, parses their output, and turns a missing command, an unreachable
 * controller or a rejected submission into a {@linkcode SlurmError} that says what to do.
 *
 * @module
 */
import { CampriorError } from "../../../mod.ts";

/** A Slurm command failed or is missing. */
export class SlurmError extends CampriorError {
  constructor(message: string) {
    super(message, 1);
    this.name = "SlurmError";
  }
}

/** The scheduler's view of a job or array task. */
export interface JobState {
  /** `123` for a job, `123_4` for an array task. */
  readonly id: string;
  /** E.g. `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`. */
  readonly state: string;
  /** Why it is pending, e.g. `Dependency`, `DependencyNeverSatisfied`; `None` otherwise. */
  readonly reason: string;
}

/** How to call the commands. */
export interface SchedulerOptions {
  /** Extra environment for the commands (e.g. `SLURM_CONF`). */
  readonly env?: Record<string, string>;
  /** Give up on a command after this long (default 120 s). */
  readonly timeoutMs?: number;
}

const UNREACHABLE =
  /unable to contact slurm controller|could not establish a configuration|unable to process configuration|connection refused|connect failure/i;

/** Runs Slurm commands. */
export class SlurmScheduler {
  readonly #options: SchedulerOptions;
  constructor(options: SchedulerOptions = {}) {
    this.#options = options;
  }

  /** Throws unless the controller answers. */
  async check(): Promise<void> {
    await this.#run("sinfo", ["-h", "-o", "%P"]);
  }

  /** Submits a script; returns the job id. `afterOk` jobs must succeed first. */
  async submit(script: string, afterOk: readonly string[] = []): Promise<string> {
    const dependency = afterOk.length > 0 ? [`--dependency=afterok:${afterOk.join(":")}`] : [];
    const out = await this.#run("sbatch", ["--parsable", ...dependency, script]);
    const id = out.trim().split("\n").at(-1)?.split(";")[0] ?? "";
    if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch ${script}: no job id in "${out.trim()}"`);
    return id;
  }

  /** States of the jobs (one entry per array task) that the controller still knows. */
  async queue(jobIds: readonly string[]): Promise<Map<string, JobState>> {
    if (jobIds.length === 0) return new Map();
    const args = ["-h", "-r", "--states=all", "-o", "%i|%T|%r", "-j", jobIds.join(",")];
    try {
      return parseStates(await this.#run("squeue", args));
    } catch (error) {
      if (error instanceof SlurmError && /invalid job id/i.test(error.message)) return new Map();
      throw error;
    }
  }

  /** Final states from accounting, or an empty map when accounting is off. */
  async accounting(jobIds: readonly string[]): Promise<Map<string, JobState>> {
    if (jobIds.length === 0) return new Map();
    const args = ["-n", "-P", "-X", "-o", "JobID,State", "-j", jobIds.join(",")];
    try {
      return parseStates(await this.#run("sacct", args));
    } catch (error) {
      if (error instanceof SlurmError && !UNREACHABLE.test(error.message)) return new Map();
      throw error;
    }
  }

  /** Cancels jobs or array tasks (`123`, `123_4`). */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#run("scancel", [...ids]);
  }

  async #run(command: string, args: readonly string[]): Promise<string> {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(command, {
        args: [...args],
        env: this.#options.env,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 120_000),
      }).output();
    } catch (error) {
      throw commandError(command, error);
    }
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
    if (output.success) return text(output.stdout);
    const message = text(output.stderr) || text(output.stdout) || `exit code ${output.code}`;
    if (output.signal !== null) throw commandError(command, new Deno.errors.TimedOut());
    if (UNREACHABLE.test(message)) {
      const conf = this.#options.env?.SLURM_CONF ?? Deno.env.get("SLURM_CONF");
      throw new SlurmError(
        `cannot reach the Slurm controller (${command}: ${message}); check that slurmctld ` +
          `is running${conf ? ` and that SLURM_CONF=${conf} is right` : ""}`,
      );
    }
    throw new SlurmError(`${command} ${args.join(" ")} failed: ${message}`);
  }
}

function commandError(command: string, error: unknown): SlurmError {
  if (error instanceof Deno.errors.NotFound) {
    return new SlurmError(
      `${command} not found: this machine has no Slurm client commands (install ` +
        `slurm-client, run on a login node of the cluster, or use --executor local)`,
    );
  }
  if (error instanceof Deno.errors.TimedOut || (error as Error).name === "TimeoutError") {
    return new SlurmError(`${command} did not answer in time; is slurmctld running?`);
  }
  return new SlurmError(`cannot run ${command}: ${(error as Error).message}`);
}

/** Parses `id|STATE|reason` lines. */
export function parseStates(text: string): Map<string, JobState> {
  const states = new Map<string, JobState>();
  for (const line of text.split("\n")) {
    const [id, state, reason = "None"] = line.trim().split("|");
    if (id && state) states.set(id, { id, state: state.split(" ")[0], reason });
  }
  return states;
}
