/**
 * The machine this process runs on: CPU model, cores, host name and load, for calibration
 * caches (timings hold for one machine) and for stating where a figure was measured.
 *
 * @module
 */
import { hostname } from "node:os";

/** Reads a text file, or undefined where it does not exist (not Linux). */
export function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The `model name` line of `/proc/cpuinfo`. */
export function cpuModel(cpuinfo: string | undefined): string {
  const line = cpuinfo?.split("\n").find((l) => l.startsWith("model name"));
  return line?.split(":").slice(1).join(":").trim() ?? "unknown CPU";
}

/** The three load averages of `/proc/loadavg`, or undefined. */
export function loadAverages(loadavg: string | undefined): number[] | undefined {
  const fields = loadavg?.trim().split(/\s+/).slice(0, 3).map(Number);
  return fields && fields.length === 3 && fields.every(Number.isFinite) ? fields : undefined;
}

/** What identifies a machine for timings: host, CPU model and core count. */
export interface MachineIdentity {
  readonly host: string;
  readonly cpu: string;
  readonly cores: number;
}

/** This machine. */
export function thisMachine(): MachineIdentity {
  return {
    host: hostname(),
    cpu: cpuModel(readText("/proc/cpuinfo")),
    cores: navigator.hardwareConcurrency,
  };
}

/** The 1-minute load average now, when the OS tells it. */
export function currentLoad(): number | undefined {
  return loadAverages(readText("/proc/loadavg"))?.[0];
}
