/**
 * The machine a benchmark ran on: CPU model, cores, load (other jobs skew CPU timings),
 * and the Deno and tfjs versions.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { cpuModel, loadAverages, readText } from "../core/util/machine.ts";

export { cpuModel, loadAverages };

/** Where and with what a benchmark ran. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  /** 1-, 5- and 15-minute load averages, when the OS tells them. */
  readonly load?: readonly number[];
  readonly os: string;
  readonly deno: string;
  readonly tfjs: string;
}

/** The machine now. */
export function currentMachine(): Machine {
  return {
    cpu: cpuModel(readText("/proc/cpuinfo")),
    cores: navigator.hardwareConcurrency,
    load: loadAverages(readText("/proc/loadavg")),
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    tfjs: tf.version_core,
  };
}

/** One line about the machine for the console. */
export function describeMachine(m: Machine): string {
  const load = m.load ? `, load ${m.load.map((l) => l.toFixed(2)).join(" ")}` : "";
  return `${m.cpu}, ${m.cores} cores${load}; Deno ${m.deno}, tfjs ${m.tfjs}`;
}
