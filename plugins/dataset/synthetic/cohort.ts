/**
 * A seeded synthetic ACDC-like cohort, written in the official ACDC layout (NIfTI +
 * Info.cfg) so that the same reader as for real data reads it back.
 *
 * @module
 */
import { join } from "node:path";
import { deriveSeed, type Diagnosis, normal, type Phase, seededRandom } from "../../../mod.ts";
import { type AcdcFrame, writeAcdcPatient } from "../formats/acdc_layout.ts";
import type { InfoCfg } from "../formats/info_cfg.ts";
import { simpleGeometry } from "../formats/nifti.ts";
import { sampleAnatomy, slicePositions } from "./anatomy.ts";
import { renderSlice, sliceScene, TISSUE_COUNT } from "./render.ts";
import { exists } from "../formats/read_file.ts";

/** Size of the synthetic cohort. */
export interface SyntheticOptions {
  /** Patients per diagnostic group. */
  readonly patientsPerGroup: number;
  /** Side of the square slices in pixels. */
  readonly imageSize: number;
  /** Short-axis slices per volume, base to apex. */
  readonly slices: number;
}

/** Groups in the order ACDC numbers its patients (001–020 DCM, 021–040 HCM, …). */
const ACDC_ORDER: readonly Diagnosis[] = ["DCM", "HCM", "MINF", "NOR", "RV"];

/** Slice thickness of the synthetic volumes (mm), as in ACDC's 5–10 mm. */
const SLICE_THICKNESS = 10;

/** One generated patient, as it is written to disk. */
export interface SyntheticPatient {
  readonly id: string;
  readonly info: InfoCfg;
  readonly frames: readonly AcdcFrame[];
}

/** Generates one patient deterministically from the seed and its id. */
export function syntheticPatient(
  id: string,
  group: Diagnosis,
  options: SyntheticOptions,
  seed: number,
): SyntheticPatient {
  const random = seededRandom(deriveSeed(seed, id));
  const anatomy = sampleAnatomy(group, random, TISSUE_COUNT);
  const size = options.imageSize;
  const scenes = slicePositions(options.slices).map((p) => sliceScene(anatomy, p, size, random));
  const es = 9 + Math.floor(random() * 6);
  const geometry = simpleGeometry([anatomy.spacing, anatomy.spacing, SLICE_THICKNESS]);
  const frame = (phase: Phase, number: number): AcdcFrame => {
    const rendered = scenes.map((scene) => renderSlice(scene, phase, random));
    const image = new Float32Array(size * size * scenes.length);
    const label = new Uint8Array(size * size * scenes.length);
    rendered.forEach((slice, k) => {
      image.set(slice.image, k * size * size);
      label.set(slice.label, k * size * size);
    });
    return { frame: number, dims: [size, size, scenes.length], image, label, geometry };
  };
  const height = 170 + 9 * normal(random);
  const info: InfoCfg = {
    ed: 1,
    es,
    group,
    height: Math.round(height),
    weight: Math.round((height - 100) * (0.85 + 0.3 * random())),
    nbFrame: 30,
  };
  return { id, info, frames: [frame("ED", 1), frame("ES", es)] };
}

/** Ids and groups of the cohort: blocks per group in ACDC's order. */
export function syntheticRoster(options: SyntheticOptions): { id: string; group: Diagnosis }[] {
  return ACDC_ORDER.flatMap((group, g) =>
    Array.from({ length: options.patientsPerGroup }, (_, i) => ({
      id: `patient${String(g * options.patientsPerGroup + i + 1).padStart(3, "0")}`,
      group,
    }))
  );
}

/**
 * Writes the cohort under `dir` in the ACDC layout, unless a complete copy is there
 * already. Writes to a temporary folder first, so a half-written cohort is never read.
 */
export async function writeSyntheticAcdc(
  dir: string,
  options: SyntheticOptions,
  seed: number,
): Promise<void> {
  const marker = join(dir, "COMPLETE");
  if (await exists(marker)) return;
  const temp = `${dir}.tmp-${Deno.pid}-${Date.now()}`;
  await Deno.mkdir(temp, { recursive: true });
  for (const { id, group } of syntheticRoster(options)) {
    const patient = syntheticPatient(id, group, options, seed);
    await writeAcdcPatient(temp, id, patient.info, patient.frames, 1);
  }
  await Deno.writeTextFile(join(temp, "COMPLETE"), JSON.stringify({ options, seed }) + "\n");
  try {
    await Deno.rename(temp, dir);
    return;
  } catch {
    // `dir` exists: a finished copy from a concurrent run, or a leftover to replace
  }
  if (await exists(marker)) {
    await Deno.remove(temp, { recursive: true });
    return;
  }
  await Deno.remove(dir, { recursive: true });
  await Deno.rename(temp, dir);
}
