/**
 * The WebGPU kernel tests as one module, for `bench/gpu/prepare.sh` to bundle: the device
 * machine has no package registry, so it runs `deno test` on the bundle.
 *
 * @module
 */
import "../../tests/webgpu_gemm_plan_test.ts";
import "../../tests/webgpu_conv_forward_test.ts";
import "../../tests/webgpu_conv_input_grad_test.ts";
import "../../tests/webgpu_conv_filter_grad_test.ts";
import "../../tests/webgpu_seg_loss_test.ts";
import "../../tests/webgpu_training_kernels_test.ts";
import "../../tests/backend_webgpu_test.ts";
