/**
 * Runs the experiment CLI (`cli.ts`) as a child process, and writes small experiment files:
 * test helpers for behaviour seen from outside (exit codes, messages, output folders).
 *
 * @module
 */
import { join } from "node:path";

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** What a finished CLI process printed. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The deno arguments that run the CLI with `args`. */
export function cliArgs(...args: string[]): string[] {
  return ["run", "-A", join(ROOT, "cli.ts"), ...args];
}

/** Runs `command` with `args` from the repository root to the end; its output as text. */
export async function runToEnd(command: string, args: readonly string[]): Promise<CliResult> {
  const output = await new Deno.Command(command, {
    args: [...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Runs the CLI to the end. */
export function runCli(...args: string[]): Promise<CliResult> {
  return runToEnd(Deno.execPath(), cliArgs(...args));
}

/** Starts the CLI without waiting; its output is discarded. */
export function spawnCli(...args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: cliArgs(...args),
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

const training = { epochs: 1, batchSize: 8, learningRate: 0.01 };

/** The smallest useful experiment: tiny data, one cell of `1Ch` (data, split, segmenter). */
export function tinyExperiment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "integrity-test",
    backend: "cpu",
    dataset: { plugin: "tiny", options: { patientsPerGroup: 4, size: 16 } },
    preprocess: { size: 16 },
    classifier: { plugin: "tiny-cnn", options: { filters: 4, blocks: 1 }, training },
    priors: { CAM: {} },
    segmenter: { plugin: "tiny-unet", options: { depth: 1, filters: 4 }, training },
    grid: { channels: ["1Ch"], sampleSizes: [100] },
    ...overrides,
  };
}

/** Writes an experiment file into `dir`; returns its path. */
export async function writeExperiment(
  dir: string,
  experiment: Record<string, unknown>,
  name = "experiment.json",
): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, JSON.stringify(experiment));
  return path;
}

/** Waits until `check` holds, polling; false when `timeoutMs` passes first. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Whether stderr is one error line and no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trim().split("\n").filter((line) => line.startsWith("error"));
  return lines.length === 1 && !/^\s+at /m.test(stderr) && !/Uncaught/.test(stderr);
}
