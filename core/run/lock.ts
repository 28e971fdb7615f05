/**
 * One writer per output folder: `run` holds `<out>/run.lock` (pid, host, start time) while
 * it runs. A second run on the same folder waits or exits with a message naming the holder;
 * a lock whose process is gone (killed with -9, machine rebooted) is stale and is taken over
 * with a note. Processes a run starts for its steps (`step`, pool workers) run under its
 * lock and take none. {@linkcode readLock} and {@linkcode lockState} are what `status` needs.
 *
 * @module
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { CampriorError } from "../util/errors.ts";
import { fsError } from "../util/fs_errors.ts";
import { processAlive } from "../util/process_alive.ts";

/** Name of the lock file inside the output folder. */
export const LOCK_FILE = "run.lock";

/** Exit code when another run holds the output folder. */
export const LOCKED_EXIT = 75;

/** What the lock file records. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder started. */
  readonly startedAt: string;
  /** The holder's command line, for messages. */
  readonly command?: string;
}

/**
 * `held`: a live process holds it (or one on another host, which cannot be checked);
 * `stale`: its process on this host is gone; `unreadable`: not a lock this code wrote.
 */
export type LockState =
  | { readonly state: "free" }
  | { readonly state: "held" | "stale"; readonly info: LockInfo }
  | { readonly state: "unreadable"; readonly reason: string };

/** Path of the lock file of an output folder. */
export function lockPath(outDir: string): string {
  return join(outDir, LOCK_FILE);
}

/** The lock file's contents, or undefined when there is none; throws when it is garbled. */
export async function readLock(outDir: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(lockPath(outDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw fsError(error, lockPath(outDir));
  }
  const info = parseLock(text);
  if (!info) throw new CampriorError(`${lockPath(outDir)}: not a camprior lock file`);
  return info;
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text);
    const ok = Number.isInteger(value?.pid) && typeof value.host === "string" &&
      typeof value.startedAt === "string";
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the folder is locked, and by whom. */
export async function lockState(outDir: string): Promise<LockState> {
  let info: LockInfo | undefined;
  try {
    info = await readLock(outDir);
  } catch (error) {
    return { state: "unreadable", reason: (error as Error).message };
  }
  if (!info) return { state: "free" };
  return { state: (await holderAlive(info)) ? "held" : "stale", info };
}

/** Whether the process that wrote the lock still runs (true when that cannot be known). */
async function holderAlive(info: LockInfo): Promise<boolean> {
  if (info.host !== hostname()) return true;
  return await processAlive(info.pid);
}

/** A one-line description of a lock holder. */
export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} on ${info.host}, started ${info.startedAt}` +
    (info.command ? ` (${info.command})` : "");
}

/** A held lock; `release` removes the file (only while it is still ours). */
export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): Promise<void>;
}

/** How to take the lock. */
export interface AcquireOptions {
  /** Wait for a live holder to finish instead of failing (polls every `pollMs`). */
  readonly wait?: boolean;
  readonly pollMs?: number;
  /** Told about stale locks taken over and about waiting. */
  readonly note?: (message: string) => void;
  /** Recorded in the lock file for messages. */
  readonly command?: string;
  /** Stops waiting. */
  readonly signal?: AbortSignal;
}

/** Takes the output folder's lock, or throws a {@linkcode CampriorError} naming the holder. */
export async function acquireLock(outDir: string, options: AcquireOptions = {}): Promise<HeldLock> {
  const path = lockPath(outDir);
  try {
    await Deno.mkdir(outDir, { recursive: true });
  } catch (error) {
    throw fsError(error, outDir);
  }
  const info: LockInfo = {
    pid: Deno.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(options.command ? { command: options.command } : {}),
  };
  let waiting = false;
  for (;;) {
    if (await tryCreate(path, info)) return heldLock(path, info);
    const current = await lockState(outDir);
    if (current.state === "stale") {
      options.note?.(
        `${path}: stale lock of ${describeHolder(current.info)}: that process is gone ` +
          `(killed?); taking over`,
      );
      await takeOverStale(path, current.info);
    } else if (current.state === "unreadable") {
      throw new CampriorError(
        `${current.reason}: remove it if no run is using ${outDir}`,
        LOCKED_EXIT,
      );
    } else if (current.state === "held") {
      if (!options.wait || options.signal?.aborted) throw lockedError(outDir, current.info);
      if (!waiting) options.note?.(`waiting for ${describeHolder(current.info)} to finish…`);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  }
}

function lockedError(outDir: string, holder: LockInfo): CampriorError {
  const where = holder.host === hostname() ? "" : " (on another host, so it cannot be checked)";
  return new CampriorError(
    `${outDir} is in use by another run: ${describeHolder(holder)}${where}; wait for it to ` +
      `finish, pass --wait, or use another --out (if that run has ended, remove ` +
      `${lockPath(outDir)})`,
    LOCKED_EXIT,
  );
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    await Deno.writeTextFile(path, JSON.stringify(info) + "\n", { createNew: true });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw fsError(error, path);
  }
}

/**
 * Removes a stale lock. A short-lived guard file makes the check and the removal one step,
 * so two runs that both saw the stale lock cannot remove a fresh one taken meanwhile.
 */
async function takeOverStale(path: string, stale: LockInfo): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await Deno.writeTextFile(guard, String(Deno.pid), { createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw fsError(error, guard);
    const age = Date.now() -
      ((await Deno.stat(guard).catch(() => undefined))?.mtime?.getTime() ?? 0);
    if (age > 60_000) await Deno.remove(guard).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    const text = await Deno.readTextFile(path).catch(() => undefined);
    const current = text === undefined ? undefined : parseLock(text);
    if (current && sameHolder(current, stale)) await Deno.remove(path).catch(() => {});
  } finally {
    await Deno.remove(guard).catch(() => {});
  }
}

function sameHolder(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

function heldLock(path: string, info: LockInfo): HeldLock {
  let released = false;
  return {
    path,
    info,
    release: async () => {
      if (released) return;
      released = true;
      const text = await Deno.readTextFile(path).catch(() => undefined);
      const current = text === undefined ? undefined : parseLock(text);
      if (current && sameHolder(current, info)) {
        await Deno.remove(path).catch(() => {});
      }
    },
  };
}
