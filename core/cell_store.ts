/**
 * Finished cell results on disk, one JSON file per cell key under `<out>/cells/`, written
 * atomically as each cell finishes so an interrupted run loses no finished cell.
 *
 * @module
 */
import { join } from "node:path";
import { writeTextAtomic } from "./atomic_write.ts";
import type { Cell } from "./cells.ts";

/** What a finished (or failed) cell records. */
export interface CellResult {
  readonly key: string;
  readonly recipe: string;
  readonly channels: readonly string[];
  readonly sampleSize: number;
  readonly seed: number;
  readonly backend: string;
  readonly status: "done" | "failed";
  readonly error?: string;
  /** Mean IoU over all 4 classes, background included (the paper's Table 1). */
  readonly meanIoUWithBackground?: number;
  readonly foregroundMeanIoU?: number;
  readonly foregroundMeanDice?: number;
  readonly iouPerClass?: readonly number[];
  readonly dicePerClass?: readonly number[];
  readonly trainPatients?: number;
  readonly testSlices?: number;
  readonly epochs?: number;
  readonly bestEpoch?: number;
  readonly seconds?: number;
}

/** Cell results stored under one output folder. */
export class CellStore {
  readonly dir: string;
  constructor(outDir: string) {
    this.dir = join(outDir, "cells");
  }

  #path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /** The stored result of a cell, if it finished successfully before. */
  async get(cell: Cell): Promise<CellResult | undefined> {
    try {
      const result = JSON.parse(await Deno.readTextFile(this.#path(cell.key))) as CellResult;
      return result.status === "done" ? result : undefined;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** Saves a result atomically. */
  async put(result: CellResult): Promise<void> {
    await writeTextAtomic(this.#path(result.key), JSON.stringify(result, null, 2));
  }
}
