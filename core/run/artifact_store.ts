/**
 * The artifact store: every step's output lives in `<root>/<hash>/`. A step writes into a
 * temporary folder that is renamed into place only when complete, so a crash or kill never
 * leaves a half-written artifact that looks finished. The manifest, written last, records the
 * size and SHA-256 of every file, the digests of the artifacts it was computed from, and a
 * checksum of itself; {@linkcode ArtifactStore.verify} checks all of it before reuse.
 *
 * @module
 */
import { join, relative, sep } from "node:path";
import { CampriorError } from "../util/errors.ts";
import { checksumFile, checksumText } from "../util/checksum.ts";
import { onPath } from "../util/fs_errors.ts";
import { processAlive } from "../util/process_alive.ts";
import { hostname } from "node:os";

/** Name of the file that marks a finished artifact and describes it. */
export const MANIFEST = "manifest.json";

/** Folder (inside the store) that damaged artifacts are moved to. */
export const QUARANTINE = ".damaged";

/** Size and content hash of one file. */
export interface FileChecksum {
  readonly bytes: number;
  readonly sha256: string;
}

/** What a step says about its artifact. */
export interface ArtifactDescription {
  readonly kind: string;
  readonly label: string;
  /** The step's settings: exactly what its id hashes. */
  readonly settings: unknown;
  /** Ids of the artifacts it was computed from (their digests are recorded). */
  readonly deps?: readonly string[];
}

/** What every artifact records about itself. */
export interface Manifest extends Omit<ArtifactDescription, "deps"> {
  readonly id: string;
  readonly finishedAt: string;
  readonly seconds: number;
  /** Every file of the artifact (paths relative to its folder, `/`-separated). */
  readonly files: Readonly<Record<string, FileChecksum>>;
  /** SHA-256 over `files`: artifacts with equal files have equal digests. */
  readonly digest: string;
  /** Digest of each input artifact when this one was computed, by step id. */
  readonly inputs: Readonly<Record<string, string>>;
  /** SHA-256 of this manifest without this field. */
  readonly check: string;
}

/** The result of checking an artifact against its manifest. */
export type ArtifactCheck =
  | { readonly status: "ok"; readonly manifest: Manifest }
  | { readonly status: "missing" }
  | {
    readonly status: "damaged";
    readonly file: string;
    readonly problem: string;
    /** The step's label, when the manifest could still be read. */
    readonly label?: string;
  };

/** Artifacts by step id under one folder. */
export class ArtifactStore {
  readonly root: string;
  readonly #began = new Map<string, number>();
  readonly #verified = new Map<string, Manifest>();
  constructor(root: string) {
    this.root = root;
  }

  /** Marks the start of the step that will commit `id`: its manifest's seconds count from here. */
  began(id: string): void {
    this.#began.set(id, performance.now());
  }

  /** Folder of a finished artifact. */
  dir(id: string): string {
    return join(this.root, id);
  }

  /** Whether the artifact exists and is complete (has a manifest; see `verify`). */
  async has(id: string): Promise<boolean> {
    try {
      await Deno.stat(join(this.dir(id), MANIFEST));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /** The manifest of a finished artifact. */
  async manifest(id: string): Promise<Manifest> {
    return await readJson(join(this.dir(id), MANIFEST));
  }

  /**
   * Checks an artifact: a readable manifest whose own checksum holds, and exactly the
   * files it lists with their sizes and SHA-256. A verified artifact is not hashed again
   * by this store unless it is committed or quarantined meanwhile.
   */
  async verify(id: string): Promise<ArtifactCheck> {
    const known = this.#verified.get(id);
    if (known) return { status: "ok", manifest: known };
    const check = await verifyFolder(this.dir(id));
    if (check.status === "ok") this.#verified.set(id, check.manifest);
    return check;
  }

  /**
   * The folder of an artifact after verifying it (once per store): what every loader reads
   * through. A missing or damaged artifact is an error naming it (and the file at fault).
   */
  async verifiedDir(id: string): Promise<string> {
    const check = await this.verify(id);
    if (check.status === "ok") return this.dir(id);
    if (check.status === "missing") {
      throw new CampriorError(`artifact ${id} is not finished (no ${MANIFEST} in ${this.dir(id)})`);
    }
    throw new CampriorError(
      `artifact ${check.label ?? id} (${id}) is damaged: ${check.file}: ${check.problem}; ` +
        `a run computes it again`,
    );
  }

  /** Moves a damaged artifact aside (into `.damaged/`); returns where it went. */
  async quarantine(id: string): Promise<string> {
    this.#verified.delete(id);
    const stamp = new Date().toISOString().replaceAll(":", "-");
    const target = join(this.root, QUARANTINE, `${id}.${stamp}`);
    await onPath(target, async () => {
      await Deno.mkdir(join(this.root, QUARANTINE), { recursive: true });
      await Deno.rename(this.dir(id), target);
    });
    return target;
  }

  /**
   * Runs `write` on a fresh temporary folder, adds the manifest (with every file's
   * checksum), then renames the folder to the artifact's place. A concurrent writer that
   * finished first wins; ours is dropped.
   */
  async commit(
    id: string,
    describe: ArtifactDescription,
    write: (dir: string) => Promise<void>,
  ): Promise<void> {
    await onPath(this.root, () => Deno.mkdir(this.root, { recursive: true }));
    const started = this.#began.get(id) ?? performance.now();
    this.#began.delete(id);
    const temp = await onPath(
      this.root,
      () => Deno.makeTempDir({ dir: this.root, prefix: `.${id}.tmp-${writerTag()}-` }),
    );
    try {
      await write(temp);
      const files = await checksumFiles(temp);
      const { deps = [], ...described } = describe;
      const unchecked = {
        id,
        ...described,
        finishedAt: new Date().toISOString(),
        seconds: (performance.now() - started) / 1000,
        files,
        digest: digestOf(files),
        inputs: await this.#inputDigests(deps),
      };
      const manifest: Manifest = { ...unchecked, check: checksumText(JSON.stringify(unchecked)) };
      const path = join(temp, MANIFEST);
      await onPath(path, () => Deno.writeTextFile(path, JSON.stringify(manifest, null, 2)));
      await this.#moveIntoPlace(temp, id);
    } finally {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
    }
  }

  /**
   * Removes temporary folders left by steps of this host whose process is gone (killed
   * while writing); returns their names. Folders of live or remote writers are kept.
   */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.root));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return removed;
      throw error;
    }
    for (const entry of entries) {
      const writer = /\.tmp-(.+)-(\d+)-[^-]+$/.exec(entry.name);
      if (!writer || writer[1] !== hostname() || await processAlive(Number(writer[2]))) continue;
      await Deno.remove(join(this.root, entry.name), { recursive: true }).catch(() => {});
      removed.push(entry.name);
    }
    return removed;
  }

  async #inputDigests(deps: readonly string[]): Promise<Record<string, string>> {
    const inputs: Record<string, string> = {};
    for (const dep of deps) {
      const check = await this.verify(dep);
      if (check.status === "ok") inputs[dep] = check.manifest.digest;
    }
    return inputs;
  }

  async #moveIntoPlace(temp: string, id: string): Promise<void> {
    this.#verified.delete(id);
    if (await this.has(id)) return;
    // An incomplete folder (no manifest) at the target is a leftover of a crash: replace it.
    await Deno.remove(this.dir(id), { recursive: true }).catch(() => {});
    await onPath(this.dir(id), () => Deno.rename(temp, this.dir(id)));
  }
}

/** Host and pid of this process, as temporary folder names carry them. */
function writerTag(): string {
  return `${hostname().replaceAll(/[^A-Za-z0-9.]/g, "_")}-${Deno.pid}`;
}

/** Paths of the files under `dir`, relative and `/`-separated, sorted. */
async function listFiles(dir: string, under = dir): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(under)) {
    const path = join(under, entry.name);
    if (entry.isDirectory) names.push(...await listFiles(dir, path));
    else names.push(relative(dir, path).split(sep).join("/"));
  }
  return names.sort();
}

async function checksumFiles(dir: string): Promise<Record<string, FileChecksum>> {
  const files: Record<string, FileChecksum> = {};
  for (const name of await listFiles(dir)) {
    if (name !== MANIFEST) {
      files[name] = await onPath(join(dir, name), () => checksumFile(join(dir, name)));
    }
  }
  return files;
}

/** The digest of an artifact's files: SHA-256 over their names and checksums. */
export function digestOf(files: Readonly<Record<string, FileChecksum>>): string {
  return checksumText(
    Object.keys(files).sort().map((name) => `${name}\t${files[name].sha256}\n`).join(""),
  );
}

/** Checks one artifact folder against its manifest. */
export async function verifyFolder(dir: string): Promise<ArtifactCheck> {
  let label: string | undefined;
  const damaged = (file: string, problem: string): ArtifactCheck => ({
    status: "damaged",
    file,
    problem,
    ...(label === undefined ? {} : { label }),
  });
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, MANIFEST));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { status: "missing" };
    return damaged(MANIFEST, `unreadable: ${(error as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    return damaged(MANIFEST, "not valid JSON (corrupted)");
  }
  if (typeof manifest?.files !== "object" || typeof manifest.check !== "string") {
    return damaged(MANIFEST, "no checksums recorded (written by an older camprior)");
  }
  if (typeof manifest.label === "string") label = manifest.label;
  const { check, ...unchecked } = manifest;
  if (checksumText(JSON.stringify(unchecked)) !== check) {
    return damaged(MANIFEST, "its own checksum does not match (edited or corrupted)");
  }
  const present = new Set(await listFiles(dir).catch(() => []));
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (!present.has(name)) return damaged(name, "missing");
    let actual: FileChecksum;
    try {
      actual = await checksumFile(join(dir, name));
    } catch (error) {
      return damaged(name, `unreadable: ${(error as Error).message}`);
    }
    if (actual.bytes !== expected.bytes) {
      return damaged(name, `${actual.bytes} bytes, expected ${expected.bytes} (truncated?)`);
    }
    if (actual.sha256 !== expected.sha256) {
      return damaged(name, "checksum mismatch (contents changed since it was written)");
    }
  }
  const extra = [...present].find((name) => name !== MANIFEST && !(name in manifest.files));
  if (extra) return damaged(extra, "not written by the step (added later)");
  return { status: "ok", manifest };
}

/** Reads a JSON file of an artifact; a damaged one is an error naming the file. */
export async function readJson<T>(path: string): Promise<T> {
  const text = await onPath(path, () => Deno.readTextFile(path));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CampriorError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** Writes a typed array as raw little-endian bytes. */
export async function writeArray(
  path: string,
  values: Float32Array | Uint8Array | Int32Array,
): Promise<void> {
  await Deno.writeFile(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Reads raw float32 values written by {@linkcode writeArray}. */
export async function readFloat32(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  if (bytes.byteLength % 4 !== 0) {
    throw new CampriorError(`${path}: ${bytes.byteLength} bytes, not whole float32 values`);
  }
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Reads raw bytes written by {@linkcode writeArray}. */
export async function readUint8(path: string): Promise<Uint8Array> {
  return await Deno.readFile(path);
}
