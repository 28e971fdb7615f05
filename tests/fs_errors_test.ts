import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FilesystemError,
  fsError,
  isEnvironmentalFsError,
  probeWritable,
} from "../core/util/fs_errors.ts";

async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

Deno.test("fsError: no space becomes one line naming the path", async () => {
  const raw = await caught(() => Deno.writeFile("/dev/full", new Uint8Array(8)));
  const error = fsError(raw, "/elsewhere");
  assert.ok(error instanceof FilesystemError);
  assert.equal(
    error.message,
    "/dev/full: no space left on device (free space or choose another --out)",
  );
  assert.equal(error.code, "ENOSPC");
  assert.ok(isEnvironmentalFsError(raw));
});

Deno.test("fsError: errors without an OS code pass through; other OS errors name the path", async () => {
  const plain = new Error("boom");
  assert.equal(fsError(plain, "/x"), plain);
  const raw = await caught(() => Deno.writeTextFile("/etc/hostname/child", "x"));
  const error = fsError(raw, "/elsewhere");
  assert.equal(error.message, "/etc/hostname/child: a parent of this path is a file, not a folder");
  const file = await Deno.makeTempFile();
  const notFound = await caught(() => Deno.readFile(`${file}.none`));
  assert.equal(fsError(notFound, "/x"), notFound, "callers handle a missing file themselves");
  assert.ok(!isEnvironmentalFsError(notFound));
  await Deno.remove(file);
});

Deno.test("probeWritable: creates the folder and leaves nothing behind", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "a", "b");
  await probeWritable(out);
  assert.deepEqual([...Deno.readDirSync(out)], []);
  const file = join(dir, "file");
  await Deno.writeTextFile(file, "");
  await assert.rejects(probeWritable(join(file, "out")), { message: new RegExp(`${file}`) });
  await Deno.remove(dir, { recursive: true });
});
