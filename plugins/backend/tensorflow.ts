/**
 * The `tensorflow` backend plugin: native libtensorflow through `@tensorflow/tfjs-node-gpu`
 * (CUDA) or `@tensorflow/tfjs-node` (CPU). Both are optional: their install script
 * downloads libtensorflow, so they are not dependencies of camprior.
 *
 * @module
 */
import { z } from "zod";
import { activateBackend, CampriorError, definePlugin } from "../../mod.ts";

/** The packages tried, in order; each registers the tfjs backend `tensorflow`. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** Imports a module by specifier (replaceable in tests). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importModule: ModuleImporter = (specifier) => import(specifier);

/**
 * Imports the first of {@linkcode TENSORFLOW_PACKAGES} that loads and returns its name;
 * throws a {@linkcode CampriorError} saying how to install one when none does.
 */
export async function importTensorflowBinding(
  importer: ModuleImporter = importModule,
): Promise<string> {
  const failures: string[] = [];
  for (const name of TENSORFLOW_PACKAGES) {
    try {
      await importer(name);
      return name;
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new CampriorError(
    `backend "tensorflow" needs ${TENSORFLOW_PACKAGES.join(" or ")}, and neither could be ` +
      `imported. Install one (its install script downloads libtensorflow, so it needs ` +
      `internet access): deno add npm:@tensorflow/tfjs-node-gpu@4.22.0 && deno install ` +
      `--allow-scripts=npm:@tensorflow/tfjs-node-gpu (or the same with tfjs-node for the ` +
      `CPU build); otherwise use --backend wasm or --backend webgpu.\n  ` +
      failures.join("\n  "),
  );
}

/** Starts the native `tensorflow` backend from tfjs-node-gpu or tfjs-node. */
export const tensorflowBackendPlugin = definePlugin({
  kind: "backend",
  name: "tensorflow",
  description: "native libtensorflow via @tensorflow/tfjs-node-gpu or -node (optional)",
  version: "1",
  options: z.strictObject({}),
  async create() {
    const binding = await importTensorflowBinding();
    await activateBackend("tensorflow");
    return { tfBackend: "tensorflow", description: `tensorflow (native, ${binding})` };
  },
});
