/**
 * What the benchmark measures, as plain data that both runners read: the tfjs one in
 * Deno and the PyTorch peer (`peer_torch.py`), so both time the same shapes under the
 * same names.
 *
 * @module
 */
import { convFlops, matmulFlops } from "./stats.ts";

/**
 * The groups of workloads, selectable with `--only`; `cell` is a whole U-Net training
 * run in a child process, for its memory (`cell.ts`).
 */
export const SUITES = ["kernels", "train", "gradcam", "cell"] as const;

/** One of {@linkcode SUITES}. */
export type Suite = typeof SUITES[number];

/** A conv2d kernel at one shape: forward, input gradient or filter gradient. */
export interface ConvWorkload {
  readonly suite: "kernels";
  readonly kind: "conv2d" | "conv2d-dx" | "conv2d-dw";
  readonly name: string;
  /** Input `[N, H, W, Ci]`. */
  readonly x: readonly [number, number, number, number];
  /** Filter `[fh, fw, Ci, Co]`; "same" padding, stride 1. */
  readonly filter: readonly [number, number, number, number];
}

/** A square `n × n` matrix product. */
export interface MatmulWorkload {
  readonly suite: "kernels";
  readonly kind: "matmul";
  readonly name: string;
  readonly n: number;
}

/** The U-Net of the paper's segmentation runs (`unet` plugin, transposed-conv upsampling). */
export interface UnetWorkload {
  readonly suite: "train";
  readonly kind: "unet";
  readonly name: string;
  readonly batch: number;
  readonly size: number;
  readonly channels: number;
  readonly classes: number;
  /** Filters at the first level. */
  readonly filters: number;
  /** Poolings (`depth + 1` resolution levels). */
  readonly depth: number;
}

/** A VGG-like classifier (`vgg16` plugin, shrunk): trained, or explained by Grad-CAM. */
export interface VggWorkload {
  readonly suite: "train" | "gradcam";
  readonly kind: "vgg" | "gradcam";
  readonly name: string;
  readonly batch: number;
  readonly size: number;
  readonly channels: number;
  readonly classes: number;
  /** Filters of the first block. */
  readonly width: number;
  /** Conv blocks (VGG16 has 2, 2, 3, 3, 3 convolutions in its five). */
  readonly blocks: number;
  /** Units of each of the two hidden dense layers. */
  readonly dense: number;
}

/** Any workload. */
export type Workload = ConvWorkload | MatmulWorkload | UnetWorkload | VggWorkload;

/** The sizes the workloads are built from. */
export interface WorkloadSizes {
  readonly batch: number;
  readonly size: number;
  readonly matmul: readonly number[];
  /** More conv2d inputs `[N, H, W, C]` (3×3, C → C). */
  readonly convs?: readonly (readonly [number, number, number, number])[];
  readonly suites: readonly Suite[];
}

/** U-Net settings of the issue: 4 resolution levels, 16 base filters, 2 channels in. */
const UNET = { channels: 2, classes: 4, filters: 16, depth: 3 } as const;

/** Classifier settings: VGG16's first 4 blocks at width 16, 64-unit dense layers. */
const VGG = { channels: 1, classes: 5, width: 16, blocks: 4, dense: 64 } as const;

const CONV_KINDS = ["conv2d", "conv2d-dx", "conv2d-dw"] as const;

/**
 * The conv2d kernels of the U-Net's second convolution at each level (3×3, "same",
 * `filters·2^level` channels in and out at `size / 2^level`) and of the extra shapes,
 * then the matrix products.
 */
function kernelWorkloads({ batch, size, matmul, convs: extra = [] }: WorkloadSizes): Workload[] {
  const levels = Array.from({ length: UNET.depth + 1 }, (_, level) => {
    const side = Math.max(1, Math.floor(size / 2 ** level));
    return [batch, side, side, UNET.filters * 2 ** level] as const;
  });
  const inputs = [...levels, ...extra].filter((x, i, all) =>
    all.findIndex((y) => y.join("x") === x.join("x")) === i
  );
  const convs = inputs.map((x) => ({ x, filter: [3, 3, x[3], x[3]] as const })).flatMap((
    { x, filter },
  ) =>
    CONV_KINDS.map((kind): ConvWorkload => ({
      suite: "kernels",
      kind,
      name: `${kind} ${x.join("x")} 3x3`,
      x,
      filter,
    }))
  );
  const products = matmul.map((n): MatmulWorkload => ({
    suite: "kernels",
    kind: "matmul",
    name: `matmul ${n}x${n}`,
    n,
  }));
  return [...convs, ...products];
}

/** The workloads of the chosen suites, in the order they run. */
export function workloads(sizes: WorkloadSizes): Workload[] {
  const { batch, size } = sizes;
  const shape = `b${batch} ${size}x${size}`;
  const all: Workload[] = [
    ...kernelWorkloads(sizes),
    { suite: "train", kind: "unet", name: `unet step ${shape}`, batch, size, ...UNET },
    { suite: "train", kind: "vgg", name: `vgg step ${shape}`, batch, size, ...VGG },
    { suite: "gradcam", kind: "gradcam", name: `gradcam vgg ${shape}`, batch, size, ...VGG },
  ];
  return all.filter((w) => sizes.suites.includes(w.suite));
}

/** Floating-point operations of one run of a kernel workload; undefined for models. */
export function workloadFlops(w: Workload): number | undefined {
  if (w.kind === "matmul") return matmulFlops(w.n, w.n, w.n);
  if (w.suite === "kernels") return convFlops(w.x, w.filter);
  return undefined;
}

/** Images one run of a model workload processes; undefined for kernels. */
export function workloadImages(w: Workload): number | undefined {
  return w.suite === "kernels" ? undefined : w.batch;
}
