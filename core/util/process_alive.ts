/**
 * Whether a process of this host still runs, for lock files and temporary folders that
 * name their writer.
 *
 * @module
 */

/** Whether process `pid` on this host runs; true when that cannot be told (Windows). */
export async function processAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  if (Deno.build.os === "windows") return true;
  if (Deno.build.os === "linux") {
    try {
      await Deno.stat(`/proc/${pid}`);
      return true;
    } catch (error) {
      return !(error instanceof Deno.errors.NotFound);
    }
  }
  const probe = await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
    .output().catch(() => undefined);
  return probe === undefined || probe.success;
}
