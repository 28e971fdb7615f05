/**
 * The artifact store: every step's output lives in `<root>/<hash>/`. A step writes into a
 * temporary folder that is renamed into place only when complete, so a crash or kill never
 * leaves a half-written artifact that looks finished.
 *
 * @module
 */
import { join } from "node:path";

/** Name of the file that marks a finished artifact and describes it. */
export const MANIFEST = "manifest.json";

/** What every artifact records about itself. */
export interface Manifest {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly finishedAt: string;
  /** Seconds from {@linkcode ArtifactStore.began} (the step's start) to the manifest. */
  readonly seconds: number;
  /** The step's settings: exactly what its id hashes. */
  readonly settings: unknown;
}

/** Artifacts by step id under one folder. */
export class ArtifactStore {
  readonly root: string;
  readonly #began = new Map<string, number>();
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

  /** Whether the artifact exists and is complete. */
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
    return JSON.parse(await Deno.readTextFile(join(this.dir(id), MANIFEST)));
  }

  /**
   * Runs `write` on a fresh temporary folder, adds the manifest, then renames the folder to
   * the artifact's place. A concurrent writer that finished first wins; ours is dropped.
   */
  async commit(
    id: string,
    describe: Omit<Manifest, "id" | "finishedAt" | "seconds">,
    write: (dir: string) => Promise<void>,
  ): Promise<void> {
    await Deno.mkdir(this.root, { recursive: true });
    const started = this.#began.get(id) ?? performance.now();
    this.#began.delete(id);
    const temp = await Deno.makeTempDir({ dir: this.root, prefix: `.${id}.tmp-` });
    try {
      await write(temp);
      const manifest: Manifest = {
        id,
        ...describe,
        finishedAt: new Date().toISOString(),
        seconds: (performance.now() - started) / 1000,
      };
      await Deno.writeTextFile(join(temp, MANIFEST), JSON.stringify(manifest, null, 2));
      await this.#moveIntoPlace(temp, id);
    } finally {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
    }
  }

  async #moveIntoPlace(temp: string, id: string): Promise<void> {
    if (await this.has(id)) return;
    // An incomplete folder (no manifest) at the target is a leftover of a crash: replace it.
    await Deno.remove(this.dir(id), { recursive: true }).catch(() => {});
    await Deno.rename(temp, this.dir(id));
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
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Reads raw bytes written by {@linkcode writeArray}. */
export async function readUint8(path: string): Promise<Uint8Array> {
  return await Deno.readFile(path);
}
