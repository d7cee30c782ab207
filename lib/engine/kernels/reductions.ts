/**
 * Faster paths for three stock wasm kernels that gradients and BatchNorm lean on:
 *
 * - Sum (and Mean) over leading or trailing axes: as a matrix product with a vector of ones
 *   (of 1/r for a mean over r values). The bias
 *   gradient of a convolution (sum over batch, height and width) first averages each image
 *   with AvgPool (XNNPACK, threaded, nothing to pack), which leaves a small [N, C] matrix:
 *   62 ms -> 5 ms on [256,28,28,128], against 166 ms for the stock reduction.
 * - BatchMatMul with a transposed operand (every dense-layer gradient): the stock kernel is
 *   several times slower then, so the operand is transposed explicitly first.
 *
 * Other cases go to the stock kernel unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmOps, WasmBackendLike, KernelArgs } from './wasm-ops';

function normalizeAxes(axis: number | number[], rank: number): number[] {
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** Wraps the stock Sum kernel. */
export function sumAsMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return reductionAsMatMul(stock, 'sum');
}

/**
 * Wraps the stock Mean kernel the same way: BatchNormalization's moments in training mode
 * (mean over batch, height and width) ran on one thread in the stock kernel, 1.3 s of the
 * 64x64 DCGAN's 35 s step at batch 128 on wasm at 103% CPU.
 */
export function meanAsMatMul(stock: tf.KernelFunc): tf.KernelFunc {
  return reductionAsMatMul(stock, 'mean');
}

function reductionAsMatMul(stock: tf.KernelFunc, kind: 'sum' | 'mean'): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = normalizeAxes(axis, rank);
    const k = axes.length;
    const leading = axes.every((a, i) => a === i);
    const trailing = axes.every((a, i) => a === rank - k + i);
    if (x.dtype !== 'float32' || k === 0 || k === rank || !(leading || trailing)) return stock(args as never);
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const reduced = leading ? x.shape.slice(0, k) : x.shape.slice(rank - k);
    const kept = leading ? x.shape.slice(k) : x.shape.slice(0, rank - k);
    const r = size(reduced);
    const q = size(kept);
    const ops = new WasmOps(args.backend as WasmBackendLike);
    if (leading && rank === 4 && k === 3 && x.shape[1] * x.shape[2] > 1) {
      // Mean over each image's H x W, then over N of [N, C]: weighted by H * W for a sum, 1 / N for a mean.
      const [n, h, w, c] = x.shape;
      const pooled = ops.reshape(ops.run('AvgPool', { x }, { filterSize: [h, w], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined }), [1, n, c]);
      const scale = ops.fromValues([1, 1, n], new Float32Array(n).fill(kind === 'sum' ? h * w : 1 / n));
      const out = ops.run('BatchMatMul', { a: scale, b: pooled }, { transposeA: false, transposeB: false });
      return ops.finish(ops.reshape(out, keepDims ? [1, 1, 1, c] : [c]));
    }
    const ones = ops.fromValues([1, leading ? 1 : r, leading ? r : 1], new Float32Array(r).fill(kind === 'sum' ? 1 : 1 / r));
    const out = leading
      ? ops.run('BatchMatMul', { a: ones, b: ops.reshape(x, [1, r, q]) }, { transposeA: false, transposeB: false })
      : ops.run('BatchMatMul', { a: ops.reshape(x, [1, q, r]), b: ones }, { transposeA: false, transposeB: false });
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept;
    return ops.finish(ops.reshape(out, outShape));
  }) as unknown as tf.KernelFunc;
}

/** Wraps the stock BatchMatMul kernel. */
export function matMulWithoutTransposes(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock(args as never);
    const ops = new WasmOps(args.backend as WasmBackendLike);
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return ops.transpose(t, perm);
    };
    const a = transposeA ? swapLast(args.inputs.a) : args.inputs.a;
    const b = transposeB ? swapLast(args.inputs.b) : args.inputs.b;
    const out = stock({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend: args.backend } as never) as tf.TensorInfo;
    return ops.finish(out);
  }) as unknown as tf.KernelFunc;
}
