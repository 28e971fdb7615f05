/**
 * The memory of one U-Net cell (`--only cell`): `unet_cell.ts` runs in a child process so
 * that its peak RSS is its own, and reports its memory after every epoch. Growth is
 * measured from the end of the second epoch (the first warms allocators and caches) to
 * the end of the last.
 *
 * @module
 */
import type { EpochMemory } from "./unet_cell.ts";

/** What the cell reported, and how much its memory grew. */
export interface CellReport {
  readonly backend: string;
  readonly size: number;
  readonly batch: number;
  readonly slices: number;
  readonly epochs: readonly EpochMemory[];
  readonly peakRssBytes?: number;
  readonly growth: CellGrowth;
}

/** Change from the reference epoch to the last one. */
export interface CellGrowth {
  readonly fromEpoch: number;
  readonly toEpoch: number;
  readonly rssBytes: number;
  readonly wasmHeapBytes?: number;
  readonly numTensors: number;
}

/** Growth from the second epoch (the first when there are fewer than three) to the last. */
export function cellGrowth(epochs: readonly EpochMemory[]): CellGrowth {
  if (epochs.length === 0) throw new Error("the cell reported no epochs");
  const from = epochs[epochs.length >= 3 ? 1 : 0];
  const to = epochs[epochs.length - 1];
  const wasm = from.wasmHeapBytes !== undefined && to.wasmHeapBytes !== undefined
    ? to.wasmHeapBytes - from.wasmHeapBytes
    : undefined;
  return {
    fromEpoch: from.epoch,
    toEpoch: to.epoch,
    rssBytes: to.rssBytes - from.rssBytes,
    wasmHeapBytes: wasm,
    numTensors: to.numTensors - from.numTensors,
  };
}

/** Options of {@linkcode runCell}. */
export interface CellOptions {
  readonly size: number;
  readonly epochs: number;
  readonly backend: string;
  readonly patientsPerGroup?: number;
}

/** Runs `unet_cell.ts` in a child Deno and reads its report. */
export async function runCell(options: CellOptions): Promise<CellReport> {
  const script = new URL("./unet_cell.ts", import.meta.url).pathname;
  const args = [
    "run",
    "-A",
    "--v8-flags=--expose-gc",
    script,
    "--size",
    String(options.size),
    "--epochs",
    String(options.epochs),
    "--backend",
    options.backend,
    "--patients-per-group",
    String(options.patientsPerGroup ?? 2),
  ];
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  const last = text.decode(stdout).trim().split("\n").at(-1) ?? "";
  if (!success || !last.startsWith("{")) {
    const tail = text.decode(stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`unet_cell.ts failed: ${tail}`);
  }
  const raw = JSON.parse(last) as Omit<CellReport, "growth">;
  return { ...raw, growth: cellGrowth(raw.epochs) };
}

const mib = (bytes: number | undefined) =>
  bytes === undefined ? "–" : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const signedMib = (bytes: number | undefined) =>
  bytes === undefined ? "–" : `${bytes >= 0 ? "+" : ""}${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Console lines about a cell. */
export function describeCell(cell: CellReport): string[] {
  const g = cell.growth;
  return [
    `U-Net cell ${cell.size}×${cell.size}, batch ${cell.batch}, ${cell.slices} slices, ` +
    `${cell.epochs.length} epochs on ${cell.backend}: peak RSS ${mib(cell.peakRssBytes)}`,
    ...cell.epochs.map((e) =>
      `  epoch ${e.epoch}: ${e.seconds.toFixed(1)} s, loss ${e.loss.toFixed(4)}, RSS ${
        mib(e.rssBytes)
      }, wasm heap ${mib(e.wasmHeapBytes)}, ${e.numTensors} tensors`
    ),
    `  growth epoch ${g.fromEpoch} → ${g.toEpoch}: RSS ${signedMib(g.rssBytes)}, wasm heap ${
      signedMib(g.wasmHeapBytes)
    }, tensors ${g.numTensors >= 0 ? "+" : ""}${g.numTensors}`,
  ];
}
