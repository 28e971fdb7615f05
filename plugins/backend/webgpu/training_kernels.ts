/**
 * The custom WebGPU training kernels, registered over tfjs-webgpu's own: conv2d forward
 * (plain and with bias + ReLU), its input and filter gradients, and the fused
 * segmentation loss (offered to `core/training/losses.ts` through `fused_loss.ts`). Each
 * falls back to the stock kernels for the cases it declines (see
 * {@linkcode kernelCounts}).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { setFusedSegmentationLoss } from "../../../mod.ts";
import { conv2dFilterGrad } from "./conv_filter_grad.ts";
import { conv2dForward } from "./conv_forward.ts";
import { conv2dInputGrad } from "./conv_input_grad.ts";
import { restoreStockKernels, type SwapKernel, swapKernel } from "./kernel_swap.ts";
import { fusedSegmentationLoss, registerLossKernels } from "./seg_loss.ts";

export { kernelCounts } from "./kernel_swap.ts";

/** The tfjs backend these kernels are for. */
export const BACKEND = "webgpu";

/** The custom kernels, by tfjs kernel name. */
export const WEBGPU_TRAINING_KERNELS: Readonly<Record<string, SwapKernel>> = {
  Conv2D: conv2dForward,
  FusedConv2D: conv2dForward,
  Conv2DBackpropInput: conv2dInputGrad,
  Conv2DBackpropFilter: conv2dFilterGrad,
};

/**
 * Registers the custom kernels over the stock ones and offers the fused loss; returns
 * the kernel names newly swapped.
 */
export function registerWebGpuTrainingKernels(): string[] {
  registerLossKernels();
  setFusedSegmentationLoss(BACKEND, fusedSegmentationLoss);
  return Object.entries(WEBGPU_TRAINING_KERNELS)
    .filter(([name, kernel]) => swapKernel(BACKEND, name, kernel))
    .map(([name]) => name);
}

/** Puts tfjs-webgpu's stock kernels back and withdraws the fused loss; returns the names. */
export function restoreStockWebGpuKernels(): string[] {
  setFusedSegmentationLoss(BACKEND, undefined);
  return restoreStockKernels(BACKEND);
}

/** A kernel's inputs and attributes, as tfjs passes them. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];
