import assert from "node:assert/strict";
import { hostname } from "node:os";
import { join } from "node:path";
import { acquireLock, LOCKED_EXIT, lockPath, lockState, readLock } from "../core/run/lock.ts";

/** A process that stays alive until killed, standing in for another run. */
function liveProcess(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["600"] }).spawn();
}

async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

async function writeLock(out: string, pid: number, host = hostname()) {
  await Deno.mkdir(out, { recursive: true });
  const info = { pid, host, startedAt: "2026-11-30T10:00:00.000Z", command: "experiment run x" };
  await Deno.writeTextFile(lockPath(out), JSON.stringify(info));
}

Deno.test("lock: acquire records pid, host and start time; release removes it", async () => {
  const out = join(await Deno.makeTempDir(), "out");
  const lock = await acquireLock(out, { command: "experiment run t" });
  const info = await readLock(out);
  assert.equal(info?.pid, Deno.pid);
  assert.equal(info?.host, hostname());
  assert.ok(!Number.isNaN(Date.parse(info!.startedAt)));
  assert.equal(info?.command, "experiment run t");
  assert.equal((await lockState(out)).state, "held");
  await lock.release();
  assert.equal(await readLock(out), undefined);
  assert.equal((await lockState(out)).state, "free");
});

Deno.test("lock: a live holder makes a second acquire fail naming it", async () => {
  const out = await Deno.makeTempDir();
  const holder = liveProcess();
  await writeLock(out, holder.pid);
  await assert.rejects(acquireLock(out), (error: Error & { exitCode?: number }) => {
    assert.match(
      error.message,
      new RegExp(`in use by another run: pid ${holder.pid} on ${hostname()}`),
    );
    assert.match(error.message, /--wait/);
    assert.equal(error.exitCode, LOCKED_EXIT);
    return true;
  });
  holder.kill("SIGKILL");
  await holder.status;
});

Deno.test("lock: a stale lock (holder gone) is reported and taken over", async () => {
  const out = await Deno.makeTempDir();
  const pid = await deadPid();
  await writeLock(out, pid);
  assert.equal((await lockState(out)).state, "stale");
  const notes: string[] = [];
  const lock = await acquireLock(out, { note: (m) => notes.push(m) });
  assert.equal(notes.length, 1);
  assert.match(notes[0], new RegExp(`stale lock of pid ${pid} on ${hostname()}.*process is gone`));
  assert.equal((await readLock(out))?.pid, Deno.pid);
  await lock.release();
});

Deno.test("lock: --wait waits for the holder to finish", async () => {
  const out = await Deno.makeTempDir();
  const holder = liveProcess();
  await writeLock(out, holder.pid);
  const notes: string[] = [];
  setTimeout(() => Deno.removeSync(lockPath(out)), 400);
  const lock = await acquireLock(out, { wait: true, pollMs: 50, note: (m) => notes.push(m) });
  assert.match(notes[0], new RegExp(`waiting for pid ${holder.pid}`));
  await lock.release();
  holder.kill("SIGKILL");
  await holder.status;
});

Deno.test("lock: another host's lock counts as held; a garbled one is reported", async () => {
  const out = await Deno.makeTempDir();
  await writeLock(out, 1, "some-other-host");
  assert.equal((await lockState(out)).state, "held");
  await assert.rejects(
    acquireLock(out),
    /on another host, so it cannot be checked.*if that run has ended, remove/,
  );
  await Deno.writeTextFile(lockPath(out), "{not json");
  const state = await lockState(out);
  assert.equal(state.state, "unreadable");
  await assert.rejects(acquireLock(out), /run\.lock: not a camprior lock file: remove it/);
});
