/**
 * Terminal progress: bars with ETA (cli-progress) on a TTY; otherwise (nohup, Slurm, CI,
 * pipes) a line at least every `everySeconds` during a task and one when it ends.
 *
 * @module
 */
// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";
import process from "node:process";
import type { Progress, ProgressTask } from "../util/progress.ts";
import { terminal } from "../util/console_capture.ts";
import { formatDuration } from "../util/duration.ts";

function barTask(label: string, total: number): ProgressTask {
  const bar = new cliProgress.SingleBar({
    format: `${label.padEnd(36)} [{bar}] {value}/{total} | ETA {eta_formatted} | {detail}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { detail: "" });
  return {
    update: (done, detail = "") => bar.update(done, { detail }),
    finish: () => bar.stop(),
  };
}

/** Text of a progress line: `label: 12/200, loss 0.41 (3.2 min, ~48 min left)`. */
export function progressLine(
  label: string,
  done: number,
  total: number,
  detail: string,
  seconds: number,
): string {
  const extra = detail ? `, ${detail}` : "";
  const left = done > 0 && done < total
    ? `, ~${formatDuration(seconds / done * (total - done))} left`
    : "";
  return `${label}: ${done}/${total}${extra} (${formatDuration(seconds)}${left})`;
}

/** Line progress: a line when `everySeconds` passed since the last one, and at the end. */
export function lineTask(
  label: string,
  total: number,
  everySeconds: number,
  write: (line: string) => void = (line) => terminal.error(line),
  now: () => number = () => performance.now(),
): ProgressTask {
  const started = now();
  let lastLine = started;
  let last = { done: 0, detail: "" };
  const line = () => progressLine(label, last.done, total, last.detail, (now() - started) / 1000);
  return {
    update: (done, detail = "") => {
      last = { done, detail };
      if ((now() - lastLine) / 1000 >= everySeconds && done < total) {
        lastLine = now();
        write(line());
      }
    },
    finish: () => write(line()),
  };
}

/** How progress is shown. */
export interface ProgressOptions {
  /** Without a terminal: seconds between progress lines during a task (default 60). */
  readonly everySeconds?: number;
  /** Force bars (true) or lines (false); default: bars when stderr is a terminal. */
  readonly tty?: boolean;
}

/** Bars on a terminal, periodic lines elsewhere. */
export function terminalProgress(options: ProgressOptions = {}): Progress {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const every = options.everySeconds ?? 60;
  return {
    start: (label, total) => tty ? barTask(label, total) : lineTask(label, total, every),
  };
}
