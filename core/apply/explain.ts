/**
 * `explain`: saliency maps of a trained classifier for given volumes, as pytorch-grad-cam's
 * `GradCAM(model, layers)(x)` does for a batch: per volume, a float32 NIfTI of the maps in
 * the source geometry (`<name>_cam.nii.gz`) and one PNG per slice with the map over the
 * slice (`<name>_slice<k>.png`).
 *
 * @module
 */
import { join } from "node:path";
import type { ResolvedRef } from "../config/experiment.ts";
import { NIFTI_TYPES, writeNifti } from "../io/nifti.ts";
import type { ClassifierNetwork, PluginContext } from "../plugin/plugin.ts";
import type { Registry } from "../plugin/registry.ts";
import type { PreparedSlices } from "../steps/data/prepared.ts";
import { explainAll } from "../steps/prior/compute_maps.ts";
import type { InputVolume } from "./input_volumes.ts";
import { restoreValueMap } from "./native_maps.ts";
import { overlayPng } from "./overlay_png.ts";
import { outputPath } from "./predict.ts";

/** What explain wrote for one volume. */
export interface ExplainedVolume {
  readonly input: string;
  readonly nifti: string;
  readonly pngs: readonly string[];
  /** Maps at the source geometry, NIfTI order. */
  readonly maps: Float32Array;
}

/** The classifier, its saliency method and the prepared slices of the volumes. */
export interface ExplainInput {
  readonly registry: Registry;
  readonly context: PluginContext;
  readonly network: ClassifierNetwork;
  readonly xai: ResolvedRef;
  readonly volumes: readonly InputVolume[];
  /** The volumes' slices, prepared as the classifier's run prepared its data. */
  readonly prepared: PreparedSlices;
}

/** Computes the maps and writes the NIfTI and PNG files into `outputDir`. */
export async function explainVolumes(
  input: ExplainInput,
  outputDir: string,
): Promise<ExplainedVolume[]> {
  const { prepared } = input;
  const maps = await explainAll(input.registry, input.xai, input.context, input.network, prepared);
  await Deno.mkdir(outputDir, { recursive: true });
  const pixels = prepared.size * prepared.size;
  const written: ExplainedVolume[] = [];
  let index = 0;
  for (const volume of input.volumes) {
    const [width, height, depth] = volume.dims;
    const native = new Float32Array(width * height * depth);
    const pngs: string[] = [];
    for (let k = 0; k < depth; k++, index++) {
      const range = [index * pixels, (index + 1) * pixels] as const;
      const map = maps.subarray(...range);
      const source = prepared.meta[index].source!;
      native.set(restoreValueMap(map, prepared.size, source), k * width * height);
      const png = join(outputDir, `${volume.name}_slice${String(k).padStart(2, "0")}.png`);
      await Deno.writeFile(png, overlayPng(prepared.images.subarray(...range), map, prepared.size));
      pngs.push(png);
    }
    const nifti = outputPath(volume, outputDir, "_cam");
    await writeNifti(nifti, {
      dims: volume.dims,
      data: native,
      geometry: volume.geometry,
      datatype: NIFTI_TYPES.float32,
      description: `camprior ${input.xai.plugin} maps`,
    });
    written.push({ input: volume.path, nifti, pngs, maps: native });
  }
  return written;
}
