/**
 * `MaxPoolGrad` of 2×2, stride-2 pooling over whole windows (even sizes), as a generated
 * SIMD kernel, and of other poolings in JavaScript: each window's gradient goes to its
 * first maximum in row-major order, as on the `cpu` backend. tfjs-wasm 4.22's own kernel
 * drops the gradient of windows whose values are all negative (and sends ties elsewhere).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Code, I32, V128 } from "./emit.ts";
import { Heap, inPieces } from "./heap.ts";
import type { KernelArgs } from "./conv_kernels.ts";
import { emitCount } from "./tile.ts";

type Info = tf.TensorInfo;

/**
 * `grad(x, y, dy, dx, row0, row1)`: output rows `[row0, row1)` (`row = image · ho + i`) of
 * 2×2 windows of `wo` columns, `channels` (a multiple of 4) per pixel.
 */
export function maxPoolGradCode(wo: number, channels: number): Code {
  const code = new Code([I32, I32, I32, I32, I32, I32]);
  const [X, Y, DY, DX, ROW0, ROW1] = [0, 1, 2, 3, 4, 5];
  const [row, xp, yp, gp, dxp, column, vector] = Array.from({ length: 7 }, () => code.local(I32));
  const [y, g, taken, mask] = Array.from({ length: 4 }, () => code.local(V128));
  const rowBytes = 2 * wo * channels * 4;
  const offsets = [0, channels * 4, rowBytes, rowBytes + channels * 4];
  code.get(ROW0).set(row).loop(() => {
    code.get(row).i32(2 * rowBytes).mul().tee(xp).get(DX).add().set(dxp);
    code.get(xp).get(X).add().set(xp);
    code.get(row).i32(wo * channels * 4).mul().tee(yp).get(DY).add().set(gp);
    code.get(yp).get(Y).add().set(yp);
    emitCount(code, column, wo, () => {
      emitCount(code, vector, channels / 4, () => {
        code.get(yp).vLoad().set(y).get(gp).vLoad().set(g);
        offsets.forEach((offset, k) => {
          // The first maximum in row-major order takes the gradient.
          if (k === 0) code.get(xp).vLoad(offset).get(y).vEq().set(mask);
          else if (k < 3) code.get(xp).vLoad(offset).get(y).vEq().get(taken).vAndNot().set(mask);
          else code.get(taken).vNot().set(mask);
          code.get(dxp).get(g).get(mask).vAnd().vStore(offset);
          if (k === 0) code.get(mask).set(taken);
          else if (k < 3) code.get(taken).get(mask).vOr().set(taken);
        });
        code.inc(xp, 16).inc(yp, 16).inc(gp, 16).inc(dxp, 16);
      });
      code.inc(xp, channels * 4).inc(dxp, channels * 4);
    });
    code.inc(row, 1).get(row).get(ROW1).ltS().brIf(0);
  });
  return code;
}

/**
 * Any max-pool gradient, in plain JavaScript: each window's `dy` is added where its first
 * maximum (row-major, inside the input) is. For the shapes the SIMD kernel leaves out.
 */
function maxPoolGradAnyShape(
  f32: Float32Array,
  [x, dy, dx]: number[],
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const [fh, fw, sh, sw] = [
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
  ];
  const [X, DY, DX] = [x / 4, dy / 4, dx / 4];
  f32.fill(0, DX, DX + batchSize * h * w * c);
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let r = i * sh - info.padInfo.top; r < i * sh - info.padInfo.top + fh; r++) {
            if (r < 0 || r >= h) continue;
            for (let q = j * sw - info.padInfo.left; q < j * sw - info.padInfo.left + fw; q++) {
              if (q < 0 || q >= w) continue;
              const k = ((n * h + r) * w + q) * c + ch;
              if (f32[X + k] > best || at < 0) [best, at] = [f32[X + k], k];
            }
          }
          if (at >= 0) f32[DX + at] += f32[DY + ((n * outHeight + i) * outWidth + j) * c + ch];
        }
      }
    }
  }
}

/**
 * `MaxPoolGrad` (float32): the SIMD kernel for 2×2 windows, stride 2, over whole windows
 * with channels in fours; plain JavaScript for other shapes.
 */
export function maxPoolGrad(args: KernelArgs, stock: tf.KernelFunc): Info {
  const { dy, input, output } = args.inputs as { dy: Info; input: Info; output: Info };
  const a = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const [n, h, w, c] = input.shape;
  if ([dy, input, output].some((t) => t.dtype !== "float32")) return stock(args) as Info;
  const heap = new Heap(args.backend as BackendWasm);
  const dx = heap.output([...input.shape]);
  const whole = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 &&
    info.strideWidth === 2 && h === 2 * info.outHeight && w === 2 * info.outWidth &&
    info.padInfo.top === 0 && info.padInfo.left === 0 && c % 4 === 0;
  if (!whole) {
    maxPoolGradAnyShape(heap.floats(), [input, dy, dx].map((t) => heap.address(t)), info);
    return dx;
  }
  const kernel = heap.kernels(
    `max-pool-grad ${info.outWidth} ${c}`,
    () => [{ name: "grad", code: maxPoolGradCode(info.outWidth, c) }],
  );
  const addresses = [input, output, dy, dx].map((t) => heap.address(t));
  if (n * info.outHeight > 0) inPieces(kernel.grad, addresses, n * info.outHeight);
  return dx;
}
