/**
 * Terminal progress: bars with ETA (cli-progress) on a TTY, one summary line per finished
 * task otherwise (CI logs, pipes).
 *
 * @module
 */
// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";
import process from "node:process";
import type { Progress, ProgressTask } from "../util/progress.ts";

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

function lineTask(label: string, total: number): ProgressTask {
  const started = performance.now();
  let last = { done: 0, detail: "" };
  return {
    update: (done, detail = "") => last = { done, detail },
    finish: () => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const detail = last.detail ? `, ${last.detail}` : "";
      console.error(`${label}: ${last.done}/${total}${detail} (${seconds} s)`);
    },
  };
}

/** Bars on a terminal, summary lines elsewhere. */
export function terminalProgress(): Progress {
  const tty = Deno.stderr.isTerminal();
  return { start: (label, total) => tty ? barTask(label, total) : lineTask(label, total) };
}
