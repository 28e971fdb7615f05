/**
 * Prior maps as artifacts: source and prior steps store one map per slice of the
 * data artifact (`maps.f32`), or one map for every slice (`map.f32`, population prior).
 *
 * @module
 */
import { join } from "node:path";
import type { Step } from "../../plan/step.ts";
import { readFloat32, readJson, writeArray } from "../../run/artifact_store.ts";
import { describeStep, memoized, type StepEnv } from "../env.ts";
import { requireFinite } from "../../util/finite.ts";

/** Stores the maps of `step`, with extra JSON files (`<name>.json`); never NaN or Inf. */
export async function commitMaps(
  env: StepEnv,
  step: Step,
  maps: Float32Array,
  extra: Record<string, unknown> = {},
  pixels = maps.length,
): Promise<void> {
  requireFinite(maps, `${step.label}: the maps`, pixels);
  await env.store.commit(step.id, describeStep(step), async (dir) => {
    await writeArray(join(dir, "maps.f32"), maps);
    for (const [name, value] of Object.entries(extra)) {
      await Deno.writeTextFile(join(dir, `${name}.json`), JSON.stringify(value, null, 2));
    }
  });
}

async function readMaps(dir: string): Promise<Float32Array> {
  try {
    return await readFloat32(join(dir, "maps.f32"));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const map = await readFloat32(join(dir, "map.f32"));
  const { count } = await readJson<{ count: number }>(join(dir, "index.json"));
  const maps = new Float32Array(count * map.length);
  for (let i = 0; i < count; i++) maps.set(map, i * map.length);
  return maps;
}

/** The randomisation check a classifier-based source step recorded, if any. */
export async function loadRandomisation(
  env: StepEnv,
  id: string,
): Promise<{ slices: number; spearman: number; ssim: number } | undefined> {
  try {
    return await readJson(join(await env.store.verifiedDir(id), "randomisation.json"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Reads the maps of a source or prior step (once per run), one per slice. */
export function loadMaps(env: StepEnv, id: string): Promise<Float32Array> {
  return memoized(env, id, async () => readMaps(await env.store.verifiedDir(id)));
}
