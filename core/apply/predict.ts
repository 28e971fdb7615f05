/**
 * `predict`: segments new volumes with a stored cell. The slices are preprocessed with the
 * run's settings, the cell's prior channels are computed as for its test slices, the stored
 * network predicts, and each volume's labels are written as a uint8 NIfTI in the source
 * geometry (dims, spacing, qform, sform), so ITK-SNAP or 3D Slicer overlay them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join, resolve } from "node:path";
import type { DataStep, SegmenterStep } from "../plan/step.ts";
import { NIFTI_TYPES, writeNifti } from "../io/nifti.ts";
import { CHECKPOINT_FILES } from "../training/checkpoint.ts";
import { predictBatched } from "../training/predict.ts";
import { inputTensor } from "../steps/data/inputs.ts";
import { type PreparedSlices, selectSlices } from "../steps/data/prepared.ts";
import { preprocessSlices } from "../steps/data/preprocess.ts";
import { loadSegmenter } from "../steps/segmenter/segmenter_step.ts";
import { CampriorError, ConfigError } from "../util/errors.ts";
import { cellPriorMaps } from "./cell_priors.ts";
import type { InputVolume } from "./input_volumes.ts";
import { restoreLabelMap } from "./native_maps.ts";
import { cellName, type StoredRun } from "./stored_run.ts";

/** A written label volume. */
export interface PredictedVolume {
  readonly input: string;
  readonly output: string;
  /** The prepared slices of the volume and their predicted maps (prepared size). */
  readonly prepared: PreparedSlices;
  readonly predicted: Uint8Array;
  /** Labels at the source geometry, NIfTI order (`i` fastest). */
  readonly labels: Uint8Array;
}

/** The run's preprocessing of new slices. */
export function prepareLikeRun(run: StoredRun, volumes: readonly InputVolume[]): PreparedSlices {
  const data = run.graph.steps.find((s): s is DataStep => s.kind === "data")!;
  return preprocessSlices(volumes.flatMap((v) => v.slices), data.settings.preprocess);
}

async function assertCheckpoint(run: StoredRun, cell: SegmenterStep): Promise<void> {
  try {
    await Deno.stat(join(run.env.store.dir(cell.id), CHECKPOINT_FILES.model));
  } catch {
    throw new CampriorError(
      `cell ${cellName(cell)} kept no trained network (${run.env.store.dir(cell.id)} has no ` +
        `${CHECKPOINT_FILES.model}); re-run the experiment to train it again`,
    );
  }
}

/** Output path of a volume; refuses to overwrite its input. */
export function outputPath(volume: InputVolume, outputDir: string, suffix: string): string {
  const path = join(outputDir, `${volume.name}${suffix}.nii.gz`);
  if (resolve(path) === resolve(volume.path)) {
    throw new ConfigError(`--output ${outputDir}: would overwrite the input ${volume.path}`);
  }
  return path;
}

/** Segments `volumes` with `cell` and writes one label NIfTI per volume into `outputDir`. */
export async function predictVolumes(
  run: StoredRun,
  cell: SegmenterStep,
  volumes: readonly InputVolume[],
  outputDir: string,
): Promise<PredictedVolume[]> {
  await assertCheckpoint(run, cell);
  const prepared = prepareLikeRun(run, volumes);
  const { channels, training } = cell.settings;
  const priors = await cellPriorMaps(run.env, run.graph, channels, prepared);
  const model = await loadSegmenter(run.env, cell.id);
  let predicted: Uint8Array;
  const inputs = inputTensor(prepared, channels, priors);
  try {
    const classes = await predictBatched(
      model,
      inputs,
      training.batchSize,
      (p) => tf.argMax(p, -1),
    );
    predicted = Uint8Array.from(classes);
  } finally {
    inputs.dispose();
    model.dispose();
  }
  await Deno.mkdir(outputDir, { recursive: true });
  const pixels = prepared.size * prepared.size;
  const written: PredictedVolume[] = [];
  let first = 0;
  for (const volume of volumes) {
    const [width, height, depth] = volume.dims;
    const range = [first, first + depth] as const;
    const mine = selectSlices(prepared, (_m, i) => i >= range[0] && i < range[1]);
    const maps = predicted.slice(range[0] * pixels, range[1] * pixels);
    const labels = new Uint8Array(width * height * depth);
    mine.meta.forEach((meta, k) => {
      const map = maps.subarray(k * pixels, (k + 1) * pixels);
      labels.set(restoreLabelMap(map, prepared.size, meta.source!), k * width * height);
    });
    const output = outputPath(volume, outputDir, "");
    await writeNifti(output, {
      dims: volume.dims,
      data: labels,
      geometry: volume.geometry,
      datatype: NIFTI_TYPES.uint8,
      description: `camprior ${cellName(cell)}`,
    });
    written.push({ input: volume.path, output, prepared: mine, predicted: maps, labels });
    first += depth;
  }
  return written;
}
